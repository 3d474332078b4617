using System.Security.Cryptography;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Restore;
using BackupFunctions.Workflows.Tests.Support;
using Microsoft.DurableTask.Client;

namespace BackupFunctions.Workflows.Tests.Orchestrations;

/// <summary>A files backup restored through the product: RestoreOrchestrator with targetDirectory, and the restorer's fallback and refusals.</summary>
[Collection(SampleDatabaseCollection.Name)]
public sealed class FilesRestoreTests(SampleDatabaseFixture sample)
{
    [Fact]
    public async Task The_restore_orchestration_writes_every_file_back_byte_for_byte_below_the_configured_directory()
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        var config = MakeConfigTree(targets.Root);
        targets.Options.Files.Paths = [config];
        targets.Options.Restore.FilesDirectory = Path.Combine(targets.Root, "restores");
        await using var engine = await EngineHarness.StartAsync(targets.Options);
        var backup = (await engine.RunAsync(OrchestrationNames.FilesBackup, new BackupRequest { Kind = BackupKinds.Files })).ReadOutputAs<BackupRunSummary>()!;
        Assert.Equal("Succeeded", backup.Status);

        var run = await engine.RunAsync(OrchestrationNames.Restore, new RestoreRequest { BackupId = "latest", TargetDirectory = "etc-restored" });

        Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, run.FailureDetails?.ErrorMessage);
        var summary = run.ReadOutputAs<RestoreRunSummary>()!;
        Assert.True(summary.Succeeded, summary.Error);
        Assert.Equal(backup.BackupId, summary.BackupId);
        var written = Path.Combine(targets.Options.Restore.FilesDirectory, "etc-restored");
        Assert.Equal(written, summary.TargetDirectory);
        Assert.Equal(3, summary.FilesRestored);
        AssertSameFiles(config, Path.Combine(written, config.TrimStart('/')));
        Assert.Contains(await engine.Catalog.ListRestoresAsync(), r => r.BackupId == backup.BackupId && r.Succeeded && r.TargetDatabase == written);
    }

    [Fact]
    public async Task A_damaged_first_copy_falls_back_to_the_next_target_and_a_non_empty_directory_is_refused()
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        var config = MakeConfigTree(targets.Root);
        targets.Options.Files.Paths = [config];
        await using var engine = await EngineHarness.StartAsync(targets.Options);
        var backup = (await engine.RunAsync(OrchestrationNames.FilesBackup, new BackupRequest { Kind = BackupKinds.Files })).ReadOutputAs<BackupRunSummary>()!;
        var env = targets.Environment();
        var entry = (await TargetCatalogReader.ReadAsync(env.Targets, env.Keys)).Resolve(backup.BackupId);
        var local = Path.Combine(targets.LocalPath, entry.Manifest.ArtifactKey);
        var bytes = await File.ReadAllBytesAsync(local);
        bytes[^10] ^= 0x40;
        await File.WriteAllBytesAsync(local, bytes);
        var into = Path.Combine(targets.Root, "out");

        var result = await new FilesRestorer(env).RunAsync(entry, into);

        Assert.True(result.Succeeded, result.Error);
        Assert.NotEqual(ThreeTargets.Local, result.ServedBy);
        Assert.True(Assert.Single(result.Attempts, a => a.Target == ThreeTargets.Local).Damaged);
        AssertSameFiles(config, Path.Combine(into, config.TrimStart('/')));
        var before = Directory.GetFiles(into, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);

        var again = await Assert.ThrowsAsync<ArgumentException>(() => new FilesRestorer(env).RunAsync(entry, into));
        Assert.Contains("not empty", again.Message);
        Assert.Equal(before.Keys.Order(), Directory.GetFiles(into, "*", SearchOption.AllDirectories).Order());
        Assert.All(before, f => Assert.Equal(f.Value, File.ReadAllBytes(f.Key)));
        Assert.Empty(StagingLeftovers.In(targets.Options.StagingDirectory));
    }

    [Fact]
    public async Task A_files_restore_outside_the_configured_directory_or_of_a_database_backup_fails_with_a_clear_reason()
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        targets.Options.Restore.FilesDirectory = Path.Combine(targets.Root, "restores");
        await using var engine = await EngineHarness.StartAsync(targets.Options);
        var full = (await engine.RunAsync(OrchestrationNames.FullBackup, new BackupRequest())).ReadOutputAs<BackupRunSummary>()!;

        Assert.Contains(RequestValidator.Validate(new RestoreRequest { TargetDirectory = "../../etc" }), e => e.Contains("no '..'"));
        Assert.Contains(RequestValidator.Validate(new RestoreRequest { TargetDirectory = "x", Test = true }), e => e.Contains("cannot be combined"));
        Assert.Throws<ArgumentException>(() => targets.Options.Restore.FilesRestorePath("/etc"));
        var run = await engine.RunAsync(OrchestrationNames.Restore, new RestoreRequest { BackupId = full.BackupId, TargetDirectory = "x" });

        Assert.Equal(OrchestrationRuntimeStatus.Failed, run.RuntimeStatus);
        Assert.Contains("only for files backups", run.FailureDetails!.ErrorMessage);
        Assert.False(Directory.Exists(Path.Combine(targets.Options.Restore.FilesDirectory, "x")));
    }

    /// <summary>Text, binary, an empty file and a nested directory, with a private mode on one.</summary>
    private static string MakeConfigTree(string root)
    {
        var config = Directory.CreateDirectory(Path.Combine(root, "etc-app")).FullName;
        File.WriteAllText(Path.Combine(config, "app.conf"), "listen = 127.0.0.1:8080\n");
        Directory.CreateDirectory(Path.Combine(config, "conf.d"));
        File.WriteAllBytes(Path.Combine(config, "conf.d", "cert.der"), RandomNumberGenerator.GetBytes(70_000));
        File.WriteAllBytes(Path.Combine(config, "conf.d", "empty"), []);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(config, "app.conf"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return config;
    }

    private static void AssertSameFiles(string original, string restored)
    {
        var want = Directory.GetFiles(original, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(original, f)).Order().ToList();
        var got = Directory.GetFiles(restored, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(restored, f)).Order().ToList();
        Assert.Equal(want, got);
        foreach (var name in want)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(original, name)), File.ReadAllBytes(Path.Combine(restored, name)));
            if (!OperatingSystem.IsWindows()) Assert.Equal(File.GetUnixFileMode(Path.Combine(original, name)), File.GetUnixFileMode(Path.Combine(restored, name)));
        }
    }
}
