using BackupFunctions.Targets;
using BackupFunctions.Targets.FileSystem;
using BackupFunctions.Workflows.Operations;

namespace BackupFunctions.Workflows.Tests;

/// <summary>
/// A copy is verified by the hash its target read back while writing it when there is one, and by reading it again
/// otherwise. The stored file is deleted before each check, so a check that read it would fail.
/// </summary>
public sealed class VerifyCopyTests : IDisposable
{
    private const string Key = "backups/app/artifact.bfa";
    private const string Sha = "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d";
    private readonly string _root = Directory.CreateTempSubdirectory("bf-verify-copy-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private async Task<(FileSystemTarget Target, CopyOutcome Upload)> StoredThenDeletedAsync(bool readBack)
    {
        var target = new FileSystemTarget("local", _root);
        var upload = await UploadCopy.RunAsync(target, new MemoryStream([0]), Key, expectedLength: 1, readBack: readBack);
        File.Delete(Path.Combine(_root, Key));
        return (target, upload);
    }

    [Fact]
    public async Task A_copy_read_back_while_written_is_verified_by_that_hash()
    {
        var (target, upload) = await StoredThenDeletedAsync(readBack: true);

        var check = await VerifyCopy.RunAsync(target, upload, Sha.ToUpperInvariant());

        Assert.True(check.Verified);
        Assert.Equal(1, check.Bytes);
        Assert.Equal(Sha, check.ActualSha256);
    }

    [Fact]
    public async Task A_read_back_hash_that_differs_from_the_manifests_fails_the_copy_and_says_both()
    {
        var (target, upload) = await StoredThenDeletedAsync(readBack: true);
        var wanted = new string('a', 64);

        var check = await VerifyCopy.RunAsync(target, upload, wanted);

        Assert.False(check.Verified);
        Assert.Equal($"SHA-256 mismatch: expected {wanted}, the stored copy has {Sha}.", check.Error);
    }

    [Fact]
    public async Task Without_a_read_back_or_for_another_key_the_copy_is_read_again()
    {
        var (target, upload) = await StoredThenDeletedAsync(readBack: false);
        Assert.Null(upload.ReadBack);
        await Assert.ThrowsAsync<TargetNotFoundException>(() => VerifyCopy.RunAsync(target, upload, Sha));

        var (_, readBack) = await StoredThenDeletedAsync(readBack: true);
        var other = readBack with { ObjectKey = "backups/app/other.bfa" };
        await Assert.ThrowsAsync<TargetNotFoundException>(() => VerifyCopy.RunAsync(target, other, Sha));
    }
}
