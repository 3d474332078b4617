using BackupFunctions.Cli.Tests.Support;
using BackupFunctions.Targets;
using BackupFunctions.Testing;

namespace BackupFunctions.Cli.Tests;

/// <summary>
/// backupctl backup with its staging directory on a real, nearly full filesystem: a 32 KiB tmpfs mounted in a private
/// mount namespace (<c>unshare -rm</c>, no root needed on the machine), so the staging writes meet a genuine ENOSPC.
/// The backup must fail with a message that says so, leave nothing in staging, publish nothing, and leave the earlier
/// good backup as it was.
/// </summary>
public sealed class DiskFullTests(CliEnvironment env) : IClassFixture<CliEnvironment>
{
    /// <summary>
    /// Mounts the tmpfs on $STAGE, runs backupctl ("$@"), then reports what staging still holds on stderr (the mount, and
    /// with it any leftover, ends with the namespace, so it must be looked at from inside).
    /// </summary>
    private const string Script = """
        mkdir -p "$STAGE" && mount -t tmpfs -o size=32k,mode=0700 tmpfs "$STAGE" || { echo "cannot mount a tmpfs" >&2; exit 97; }
        "$@"; rc=$?
        echo "STAGING-LEFT:[$(ls -A "$STAGE" | grep -v '^\.backupfunctions\.lock$' | tr '\n' ' ')]" >&2
        exit $rc
        """;

    [Fact]
    public async Task A_full_staging_disk_fails_the_backup_clearly_leaves_staging_empty_and_publishes_nothing()
    {
        // Hex text compresses about 2:1, so the ~300 KB dump needs far more than the 32 KiB the staging filesystem has.
        await using var source = await TempDatabase.CreateAsync("cli_full");
        await source.ExecuteAsync("CREATE TABLE blobs (id int PRIMARY KEY, body text); INSERT INTO blobs SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 4000) g;");
        var root = Directory.CreateTempSubdirectory("bf-cli-full-").FullName;
        var local = Path.Combine(root, "local");
        var prefix = "cli-full-" + Guid.NewGuid().ToString("N")[..12];
        var config = Path.Combine(root, "backupfunctions.json");
        env.WriteConfig(config, [CliEnvironment.LocalTarget(local), CliEnvironment.S3Target(prefix, TestServices.S3ServiceUrl)]);
        var settings = new Dictionary<string, string> { ["BackupFunctions__Source__ConnectionString"] = source.ConnectionString };
        var s3 = BackupTargetFactory.Create(CliEnvironment.S3Target(prefix, TestServices.S3ServiceUrl));
        try
        {
            var good = await Backupctl.RunWithEnvironmentAsync(settings, "backup", "--json", "--config", config);
            Assert.True(good.ExitCode == 0, good.ToString());
            var localBefore = Files(local);
            var s3Before = await KeysAsync(s3);

            var stage = Path.Combine(root, "small-staging");
            var full = await Backupctl.RunWrappedAsync(["unshare", "-rm", "sh", "-c", Script, "sh"],
                new Dictionary<string, string>(settings) { ["STAGE"] = stage, ["BackupFunctions__StagingDirectory"] = stage },
                "backup", "--config", config);

            Assert.True(full.ExitCode == 1, full.ToString());
            Assert.Contains("No space left on device", full.Stdout + full.Stderr, StringComparison.Ordinal);
            Assert.Contains("A local disk is full", full.Stdout + full.Stderr, StringComparison.Ordinal);
            Assert.Contains("BackupFunctions:StagingDirectory", full.Stdout + full.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", full.Stdout + full.Stderr, StringComparison.Ordinal);
            Assert.Contains("STAGING-LEFT:[]", full.Stderr, StringComparison.Ordinal);
            // Nothing of the failed run in any target, and the good backup untouched (same files, same keys).
            Assert.Equal(localBefore, Files(local));
            Assert.Equal(s3Before, await KeysAsync(s3));
            var list = await Backupctl.RunWithEnvironmentAsync(settings, "list", "--json", "--config", config);
            Assert.True(list.ExitCode == 0, list.ToString());
            Assert.Contains(good.Json.GetProperty("backupId").GetString()!, list.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var key in await KeysAsync(s3)) await s3.DeleteAsync(key[..key.LastIndexOf(':')]);
            (s3 as IDisposable)?.Dispose();
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Relative path → (size, SHA-256) of every file under <paramref name="directory"/>.</summary>
    private static SortedDictionary<string, string> Files(string directory) =>
        new(Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(directory, f),
            f => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))), StringComparer.Ordinal);

    private static async Task<List<string>> KeysAsync(IBackupTarget target)
    {
        var keys = new List<string>();
        await foreach (var obj in target.ListAsync("")) keys.Add(obj.Key + ":" + obj.Size);
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }
}
