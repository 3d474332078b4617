using BackupFunctions.Cli.Tests.Support;
using BackupFunctions.Testing;

namespace BackupFunctions.Cli.Tests;

/// <summary>
/// After losing the control database, `backupctl catalog rebuild` refills the catalog from the
/// targets' manifests alone. The control database comes from an environment variable over the config file.
/// </summary>
public sealed class CatalogRebuildTests(CliEnvironment env) : IClassFixture<CliEnvironment>
{
    [Fact]
    public async Task Catalog_rebuild_refills_an_empty_control_database_from_the_targets()
    {
        var backupId = env.Backup.Json.GetProperty("backupId").GetString()!;
        await using var control = await TempDatabase.CreateAsync("ctl_cli");

        var run = await Backupctl.RunWithEnvironmentAsync(
            new Dictionary<string, string> { ["BackupFunctions__Control__ConnectionString"] = control.ConnectionString },
            "catalog", "rebuild", "--json", "--config", env.ConfigFile);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(run.Json.GetProperty("backups").GetInt32() >= 1, run.ToString());
        Assert.Equal(1L, await control.ScalarAsync<long>($"SELECT count(*) FROM bf_catalog.backups WHERE backup_id = '{backupId}'"));
        Assert.Equal(3L, await control.ScalarAsync<long>($"SELECT count(*) FROM bf_catalog.copies WHERE backup_id = '{backupId}' AND verified"));
    }

    [Fact]
    public async Task Catalog_rebuild_without_a_control_database_exits_2_and_names_the_setting()
    {
        var run = await Backupctl.RunAsync("catalog", "rebuild", "--config", env.ConfigFile);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("BackupFunctions:Control:ConnectionString", run.Stderr);
    }
}
