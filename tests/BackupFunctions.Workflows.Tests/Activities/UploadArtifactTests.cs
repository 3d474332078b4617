using System.Security.Cryptography;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Tests.Support;

namespace BackupFunctions.Workflows.Tests.Activities;

/// <summary>
/// <see cref="UploadArtifact"/> on the three real targets when its key is already taken: other bytes there are a
/// conflict that no retry can fix (and that object is never touched); its own bytes there (an earlier attempt's put
/// succeeded, but its completion was lost) are success.
/// </summary>
public sealed class UploadArtifactTests
{
    private const string Key = "backups/app/2026/01/01/20260101T020000Z-0a1b2c3d/artifact.bfa";
    private static readonly ActivityLimits Limits = new(new ActivityOptions());

    [Fact]
    public async Task An_upload_onto_other_bytes_fails_non_retryably_and_leaves_them_on_every_target()
    {
        await using var set = await ThreeTargets.CreateAsync("unused");
        var env = set.Environment();
        var existing = RandomNumberGenerator.GetBytes(300_000);
        var staging = await StageAsync(set, RandomNumberGenerator.GetBytes(300_000));
        foreach (var target in env.Targets) await target.PutAsync(Key, new MemoryStream(existing));

        foreach (var target in env.Targets)
        {
            var e = await Assert.ThrowsAsync<NonRetryableTaskException>(() => Upload(env, target.Name, staging));

            Assert.Contains($"already exists in target '{target.Name}' with different content", e.Message);
            Assert.True(Assert.IsType<TargetObjectExistsException>(e.InnerException).ContentDiffers);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(existing)), (await TargetVerifier.HashAsync(target, Key)).Sha256);
        }
    }

    [Fact]
    public async Task Uploading_the_same_staging_file_again_succeeds_without_replacing_anything()
    {
        await using var set = await ThreeTargets.CreateAsync("unused");
        var env = set.Environment();
        var bytes = RandomNumberGenerator.GetBytes(300_000);
        var staging = await StageAsync(set, bytes);

        foreach (var target in env.Targets)
        {
            var first = await Upload(env, target.Name, staging);
            var modified = (await target.StatAsync(Key))!.LastModified;
            var again = await Upload(env, target.Name, staging);

            Assert.Equal(bytes.Length, first.Bytes);
            Assert.Equal(bytes.Length, again.Bytes);
            Assert.Equal(modified, (await target.StatAsync(Key))!.LastModified);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), (await TargetVerifier.HashAsync(target, Key)).Sha256);
        }
    }

    private static Task<Operations.CopyOutcome> Upload(BackupEnvironment env, string target, string staging) =>
        new UploadArtifact(env, Limits).RunAsync(new TestActivityContext(nameof(UploadArtifact), "i-upload"), new UploadRequest(target, staging, Key));

    private static async Task<string> StageAsync(ThreeTargets set, byte[] bytes)
    {
        var path = Path.Combine(set.Root, "staged.bfa");
        await File.WriteAllBytesAsync(path, bytes);
        return path;
    }
}
