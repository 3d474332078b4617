using System.Formats.Tar;
using Microsoft.DurableTask.Client;
using BackupFunctions.Pipeline;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Tests.Support;

namespace BackupFunctions.Workflows.Tests.Orchestrations;

/// <summary>Configuration files go through the same pipeline and targets as dumps, and come back byte for byte.</summary>
[Collection(SampleDatabaseCollection.Name)]
public sealed class FilesBackupTests(SampleDatabaseFixture sample)
{
    [Fact]
    public async Task Configured_files_are_archived_encrypted_stored_in_every_target_and_read_back_intact()
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        var config = Directory.CreateDirectory(Path.Combine(targets.Root, "etc-app"));
        await File.WriteAllTextAsync(Path.Combine(config.FullName, "app.conf"), "listen = 127.0.0.1:8080\n");
        Directory.CreateDirectory(Path.Combine(config.FullName, "conf.d"));
        await File.WriteAllTextAsync(Path.Combine(config.FullName, "conf.d", "tenants.yaml"), "tenants: [acme, globex]\n");
        targets.Options.Files.Paths = [config.FullName];
        await using var engine = await EngineHarness.StartAsync(targets.Options);

        var run = await engine.RunAsync(OrchestrationNames.FilesBackup, new BackupRequest { Kind = BackupKinds.Files });

        Assert.Equal(OrchestrationRuntimeStatus.Completed, run.RuntimeStatus);
        var summary = run.ReadOutputAs<BackupRunSummary>()!;
        Assert.Equal("Succeeded", summary.Status);
        var env = targets.Environment();
        var entry = (await TargetCatalogReader.ReadAsync(env.Targets, env.Keys)).Resolve(summary.BackupId);
        Assert.Equal(BackupKind.Files, entry.Manifest.Kind);

        await using var artifact = await env.Targets.Single(t => t.Name == ThreeTargets.Azure).OpenReadAsync(entry.Manifest.ArtifactKey);
        using var tar = new MemoryStream();
        await ArtifactDecoder.DecodeToAsync(artifact, env.Keys, tar, entry.Manifest.StoredSha256);
        tar.Position = 0;
        var files = new Dictionary<string, string>();
        await using (var reader = new TarReader(tar))
        {
            while (await reader.GetNextEntryAsync() is { } e)
            {
                using var text = new StreamReader(e.DataStream!);
                files[e.Name] = await text.ReadToEndAsync();
            }
        }

        Assert.Equal(2, files.Count);
        Assert.Equal("tenants: [acme, globex]\n", files.Single(f => f.Key.EndsWith("conf.d/tenants.yaml")).Value);
        Assert.Equal("listen = 127.0.0.1:8080\n", files.Single(f => f.Key.EndsWith("app.conf")).Value);
    }

    [Fact]
    public async Task A_missing_configured_path_fails_the_run_and_names_the_path()
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        targets.Options.Files.Paths = [Path.Combine(targets.Root, "no-such-dir")];
        await using var engine = await EngineHarness.StartAsync(targets.Options);

        var run = await engine.RunAsync(OrchestrationNames.FilesBackup, new BackupRequest { Kind = BackupKinds.Files });

        Assert.Equal(OrchestrationRuntimeStatus.Failed, run.RuntimeStatus);
        Assert.Contains("no-such-dir", run.FailureDetails!.ToString());
    }
}
