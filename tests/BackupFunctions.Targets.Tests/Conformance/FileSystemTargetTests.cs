using BackupFunctions.Targets.Tests.Support;
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
    public async Task A_put_asked_to_read_back_hashes_every_byte_of_the_file_across_its_flushes()
    {
        // 20 MiB in a pipe's small reads: read back after the flushes at 8 and 16 MiB and after the last one.
        var data = TestData.Bytes(20 * TestData.MiB + 12345, seed: 9);
        var info = await Target.PutAsync("db/streamed.bfa", new PipeLikeStream(data), new PutOptions { ReadBack = true });

        Assert.Equal(new StoredHash("db/streamed.bfa", data.Length, TestData.Sha256(data)), info.ReadBack);
        Assert.Equal(info.ReadBack, await TargetVerifier.HashAsync(Target, "db/streamed.bfa"));
    }

    [Fact]
    public async Task Failed_put_leaves_no_temporary_file()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Target.PutAsync("dir/x", new Support.PipeLikeStream(new byte[100_000], failAfter: 50_000)));

        Assert.Empty(Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_put_removes_temporary_files_that_a_killed_writer_left_for_the_same_key_only()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, "db", "b1")).FullName;
        var leftover = Path.Combine(dir, FileSystemTarget.TempMarker + Guid.NewGuid().ToString("N") + "-artifact.bfa");
        var otherKeys = Path.Combine(dir, FileSystemTarget.TempMarker + Guid.NewGuid().ToString("N") + "-manifest.json");
        await File.WriteAllBytesAsync(leftover, new byte[1234]);
        await File.WriteAllBytesAsync(otherKeys, new byte[10]);

        await Target.PutAsync("db/b1/artifact.bfa", new MemoryStream(new byte[5000]));

        Assert.False(File.Exists(leftover));
        Assert.True(File.Exists(otherKeys), "a temporary file of another key may belong to a put still running");
        Assert.Equal(5000, new FileInfo(Path.Combine(dir, "artifact.bfa")).Length);
    }

    [Fact]
    public async Task A_put_overtaken_by_another_is_refused_by_the_no_replace_link_and_leaves_no_temporary_file()
    {
        await AssertAPutOvertakenByAnotherIsRefusedAtTheEnd(200_000);

        Assert.Equal([Path.Combine(_root, "race", "key")], Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories));
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
