using System.Text.Json.Nodes;
using BackupFunctions.Cli.Tests.Support;
using BackupFunctions.Testing;

namespace BackupFunctions.Cli.Tests;

/// <summary>
/// Someone with write access to one target, but not the key, edits or copies manifests and artifacts
/// there. The real backupctl refuses what was altered, says so, and keeps using the good copies in the
/// other targets. Each test puts the files it touched back.
/// </summary>
public sealed class HostileManifestTests(CliEnvironment env) : IClassFixture<CliEnvironment>
{
    private string BackupId => env.Backup.Json.GetProperty("backupId").GetString()!;

    private string ArtifactPath => Path.Combine(env.LocalPath, env.Backup.Json.GetProperty("manifest").GetProperty("artifactKey").GetString()!);

    private string ManifestPath => Path.Combine(Path.GetDirectoryName(ArtifactPath)!, "manifest.json");

    private async Task WithEditedLocalManifestAsync(Action<JsonObject> edit, Func<Task> body)
    {
        Assert.True(env.Backup.ExitCode == 0, env.Backup.ToString());
        var original = await File.ReadAllBytesAsync(ManifestPath);
        var node = JsonNode.Parse(original)!.AsObject();
        edit(node);
        await File.WriteAllTextAsync(ManifestPath, node.ToJsonString());
        try
        {
            await body();
        }
        finally
        {
            await File.WriteAllBytesAsync(ManifestPath, original);
        }
    }

    [Fact]
    public Task Edited_row_counts_in_one_target_fail_verify_with_exit_4_and_list_shows_that_manifest_as_forged() =>
        WithEditedLocalManifestAsync(m => m["rowCounts"]!["shop.orders"] = 3001, async () =>
        {
            var verify = await Backupctl.RunAsync("verify", BackupId, "--config", env.ConfigFile);
            Assert.True(verify.ExitCode == 4, verify.ToString());
            Assert.Contains("manifest refused", verify.Stdout);

            var list = await Backupctl.RunAsync("list", "--json", "--config", env.ConfigFile);
            Assert.True(list.ExitCode == 0, list.ToString());
            // (Another test of this class may have left a newer backup in s3 and azure.)
            var backup = Assert.Single(list.Json.GetProperty("backups").EnumerateArray(),
                b => b.GetProperty("manifest").GetProperty("backupId").GetString() == BackupId);
            Assert.Equal(["s3", "azure"], backup.GetProperty("foundIn").EnumerateArray().Select(e => e.GetString()));
            Assert.True(backup.GetProperty("signed").GetBoolean());
            Assert.Equal(3000, backup.GetProperty("manifest").GetProperty("rowCounts").GetProperty("shop.orders").GetInt64());
            var invalid = Assert.Single(list.Json.GetProperty("invalid").EnumerateArray());
            Assert.Equal("local", invalid.GetProperty("target").GetString());
            Assert.Equal(BackupId, invalid.GetProperty("backupId").GetString());
            Assert.True(invalid.GetProperty("forged").GetBoolean());
            Assert.Contains("signature does not verify", invalid.GetProperty("reason").GetString());
        });

    [Fact]
    public Task Null_row_counts_in_one_target_are_reported_and_restore_uses_a_good_manifest() =>
        WithEditedLocalManifestAsync(m => m["rowCounts"] = null, async () =>
        {
            var list = await Backupctl.RunAsync("list", "--config", env.ConfigFile);
            Assert.True(list.ExitCode == 0, list.ToString());
            Assert.Contains("INVALID", list.Stdout);
            Assert.Contains("rowCounts", list.Stdout);
            Assert.DoesNotContain("ArgumentNullException", list.Stdout + list.Stderr);

            var destination = env.NewDatabaseName("cli_hostile");
            var restore = await Backupctl.RunAsync("restore", BackupId, "--to", TestServices.PgConnectionString(destination), "--json", "--config", env.ConfigFile);
            Assert.True(restore.ExitCode == 0, restore.ToString());
            Assert.Equal(await CliEnvironment.RowCountsAsync(env.Source.Name), await CliEnvironment.RowCountsAsync(destination));
        });

    [Fact]
    public Task A_manifest_with_its_signature_removed_is_refused_as_forged() =>
        WithEditedLocalManifestAsync(m => { m.Remove("signature"); m["rowCounts"]!["shop.orders"] = 1; }, async () =>
        {
            var list = await Backupctl.RunAsync("list", "--json", "--config", env.ConfigFile);
            var invalid = Assert.Single(list.Json.GetProperty("invalid").EnumerateArray());
            Assert.Contains("signature was removed", invalid.GetProperty("reason").GetString());
        });

    [Fact]
    public async Task An_older_artifact_under_this_backups_name_is_detected_as_rolled_back()
    {
        // A second, newer backup; then the first backup's genuine artifact is copied over the newer one's in one target.
        var newer = await Backupctl.RunAsync("backup", "--json", "--config", env.ConfigFile);
        Assert.True(newer.ExitCode == 0, newer.ToString());
        var newerArtifact = Path.Combine(env.LocalPath, newer.Json.GetProperty("manifest").GetProperty("artifactKey").GetString()!);
        var saved = await File.ReadAllBytesAsync(newerArtifact);
        File.Copy(ArtifactPath, newerArtifact, overwrite: true);
        try
        {
            var verify = await Backupctl.RunAsync("verify", "latest", "--json", "--config", env.ConfigFile);
            Assert.True(verify.ExitCode == 4, verify.ToString());
            var local = verify.Json.GetProperty("copies").EnumerateArray().Single(c => c.GetProperty("target").GetString() == "local");
            Assert.False(local.GetProperty("intact").GetBoolean());
            Assert.Contains("rolled back", local.GetProperty("error").GetString());
            Assert.Contains(BackupId, local.GetProperty("error").GetString());
        }
        finally
        {
            await File.WriteAllBytesAsync(newerArtifact, saved);
            Directory.Delete(Path.GetDirectoryName(newerArtifact)!, recursive: true);
        }
    }

    [Fact]
    public async Task A_genuine_manifest_copied_under_a_newer_id_is_refused_and_latest_stays_on_the_real_backup()
    {
        Assert.True(env.Backup.ExitCode == 0, env.Backup.ToString());
        // The replay: this backup's artifact and signed manifest, placed where a newer backup would be.
        var fakeId = "29991231T235959Z-deadbeef";
        var fakeDir = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(ArtifactPath)!)!, fakeId);
        Directory.CreateDirectory(fakeDir);
        File.Copy(ArtifactPath, Path.Combine(fakeDir, "artifact.bfa"));
        File.Copy(ManifestPath, Path.Combine(fakeDir, "manifest.json"));
        try
        {
            var list = await Backupctl.RunAsync("list", "--json", "--config", env.ConfigFile);
            var invalid = Assert.Single(list.Json.GetProperty("invalid").EnumerateArray());
            Assert.Equal(fakeId, invalid.GetProperty("backupId").GetString());
            Assert.Contains("copied or moved here", invalid.GetProperty("reason").GetString());

            var verify = await Backupctl.RunAsync("verify", fakeId, "--config", env.ConfigFile);
            Assert.True(verify.ExitCode == 4, verify.ToString());
        }
        finally
        {
            Directory.Delete(fakeDir, recursive: true);
        }
    }
}
