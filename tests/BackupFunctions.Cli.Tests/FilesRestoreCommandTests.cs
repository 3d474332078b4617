using System.Security.Cryptography;
using System.Text.Json;
using BackupFunctions.Cli.Tests.Support;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Targets;
using BackupFunctions.Testing;
using BackupFunctions.Workflows;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Operations;

namespace BackupFunctions.Cli.Tests;

/// <summary>
/// backupctl restore --to-dir: a files backup (made here by the product's own archive, upload and manifest steps into two
/// real directory targets) restored by the real backupctl process, compared byte for byte with the originals.
/// </summary>
public sealed class FilesRestoreCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bf-cli-files-").FullName;

    private string ConfigFile => Path.Combine(_root, "backupfunctions.json");

    [Fact]
    public async Task Restore_to_dir_writes_the_files_back_falls_back_past_a_damaged_copy_and_never_overwrites()
    {
        var config = Directory.CreateDirectory(Path.Combine(_root, "etc-app")).FullName;
        await File.WriteAllTextAsync(Path.Combine(config, "app.conf"), "port = 5432\n");
        Directory.CreateDirectory(Path.Combine(config, "tls"));
        var key = RandomNumberGenerator.GetBytes(50_000);
        await File.WriteAllBytesAsync(Path.Combine(config, "tls", "key.der"), key);
        var (backupId, artifactKey) = await BackUpFilesAsync(config);
        var restoredConfig = (string into) => Path.Combine(into, config.TrimStart('/'));

        var into = Path.Combine(_root, "restored");
        var run = await Backupctl.RunAsync("restore", "latest", "--to-dir", into, "--json", "--config", ConfigFile);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(backupId, run.Json.GetProperty("backupId").GetString());
        Assert.Equal("first", run.Json.GetProperty("servedBy").GetString());
        Assert.Equal(2, run.Json.GetProperty("files").GetInt32());
        Assert.Equal("port = 5432\n", await File.ReadAllTextAsync(Path.Combine(restoredConfig(into), "app.conf")));
        Assert.Equal(key, await File.ReadAllBytesAsync(Path.Combine(restoredConfig(into), "tls", "key.der")));

        // Damage the first target's copy: the restore is served by the second, and says why the first was passed over.
        var first = Path.Combine(_root, "first", artifactKey);
        var bytes = await File.ReadAllBytesAsync(first);
        bytes[bytes.Length / 2] ^= 0x08;
        await File.WriteAllBytesAsync(first, bytes);
        var second = Path.Combine(_root, "second-restore");
        var fallback = await Backupctl.RunAsync("restore", backupId, "--to-dir", second, "--json", "--config", ConfigFile);
        Assert.True(fallback.ExitCode == 0, fallback.ToString());
        Assert.Equal("second", fallback.Json.GetProperty("servedBy").GetString());
        Assert.Equal(key, await File.ReadAllBytesAsync(Path.Combine(restoredConfig(second), "tls", "key.der")));

        // A full read knows a tar stream is what a files backup holds: the second copy intact, only the first damaged.
        var verify = await Backupctl.RunAsync("verify", backupId, "--json", "--config", ConfigFile);
        Assert.True(verify.ExitCode == 4, verify.ToString());
        var copies = verify.Json.GetProperty("copies").EnumerateArray().ToDictionary(c => c.GetProperty("target").GetString()!, c => c.GetProperty("intact").GetBoolean());
        Assert.False(copies["first"]);
        Assert.True(copies["second"], verify.ToString());

        // Into the first, now non-empty, directory: refused as a usage error, nothing touched.
        await File.WriteAllTextAsync(Path.Combine(restoredConfig(into), "app.conf"), "edited\n");
        var again = await Backupctl.RunAsync("restore", backupId, "--to-dir", into, "--config", ConfigFile);
        Assert.True(again.ExitCode == 2, again.ToString());
        Assert.Contains("not empty", again.Stderr);
        Assert.Equal("edited\n", await File.ReadAllTextAsync(Path.Combine(restoredConfig(into), "app.conf")));

        // A files backup is not restored into a database.
        var toDatabase = await Backupctl.RunAsync("restore", backupId, "--to", TestServices.PgConnectionString("nowhere"), "--config", ConfigFile);
        Assert.True(toDatabase.ExitCode == 2, toDatabase.ToString());
        Assert.Contains("--to-dir", toDatabase.Stderr);
    }

    /// <summary>The files backup as FilesBackupOrchestrator makes it: archive into staging, upload and verify each copy, then the manifests.</summary>
    private async Task<(string BackupId, string ArtifactKey)> BackUpFilesAsync(string config)
    {
        var keyFile = Path.Combine(_root, "kek.json");
        KeyFile.Generate(keyFile, "files-key", current: true);
        TestSecrets.RegisterKeyFile(keyFile);
        var targets = new[] { "first", "second" }.Select(n => new TargetOptions { Name = n, Type = TargetOptions.FileSystemType, Path = Path.Combine(_root, n) }).ToList();
        var staging = Path.Combine(_root, "staging");
        await File.WriteAllTextAsync(ConfigFile, JsonSerializer.Serialize(new
        {
            BackupFunctions = new { Keys = new { KeyFile = keyFile }, StagingDirectory = staging, Targets = targets.Select(t => new { t.Name, t.Type, t.Path }) },
        }));
        var env = new BackupEnvironment(new BackupFunctionsOptions { Keys = new KeyOptions { KeyFile = keyFile }, StagingDirectory = staging, Targets = targets });
        var createdAt = DateTimeOffset.UtcNow;
        var staged = await ArchiveFilesToStaging.RunAsync(env, ObjectKeys.NewBackupId(createdAt), createdAt, [config]);
        var copies = new List<CopyOutcome>();
        foreach (var target in env.Targets)
        {
            var uploaded = await UploadCopy.RunAsync(target, staged.StagingPath, staged.Keys.Artifact);
            Assert.True((await VerifyCopy.RunAsync(target, staged.Keys.Artifact, staged.Result.StoredSha256)).Verified);
            copies.Add(uploaded with { Verified = true });
        }

        var manifest = ManifestBuilder.Build(staged, copies, DateTimeOffset.UtcNow);
        foreach (var target in env.Targets)
        {
            await PublishManifest.RunAsync(target, manifest, env.Keys);
        }

        File.Delete(staged.StagingPath);
        return (staged.BackupId, staged.Keys.Artifact);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
