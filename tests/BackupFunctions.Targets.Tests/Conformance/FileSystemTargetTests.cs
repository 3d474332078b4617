using BackupFunctions.Targets.FileSystem;

namespace BackupFunctions.Targets.Tests.Conformance;

public sealed class FileSystemTargetTests : TargetConformanceTests
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bf-targets-" + Guid.NewGuid().ToString("N"));

    protected override Task<IBackupTarget> CreateTargetAsync() => Task.FromResult<IBackupTarget>(new FileSystemTarget("local", _root));

    protected override Task DisposeTargetAsync()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Failed_put_leaves_no_temporary_file()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Target.PutAsync("dir/x", new Support.PipeLikeStream(new byte[100_000], failAfter: 50_000)));

        Assert.Empty(Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Missing_root_is_a_configuration_error_when_creation_is_off()
    {
        var missing = Path.Combine(_root, "not-mounted");

        var ex = Assert.Throws<TargetConfigurationException>(() => new FileSystemTarget("nas", missing, createIfMissing: false));

        Assert.Contains("nas", ex.Message);
        Assert.Contains(missing, ex.Message);
        Assert.False(Directory.Exists(missing));
    }
}
