using System.Text.Json;
using BackupFunctions.Cli.Tests.Support;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Catalog.Postgres;

namespace BackupFunctions.Cli.Tests;

/// <summary>
/// `backupctl status` reads the catalog in the control database (and nothing else: no source, key or target is
/// configured here) and shows what GET /api/health computes, with the newest backups and the open alerts.
/// </summary>
public sealed class StatusCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bf-status-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string ConfigFor(string controlConnectionString)
    {
        var path = Path.Combine(_root, "backupfunctions.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { BackupFunctions = new { Control = new { ConnectionString = controlConnectionString } } }));
        return path;
    }

    private static async Task<PostgresBackupCatalog> FilledCatalogAsync(TempDatabase control)
    {
        var catalog = new PostgresBackupCatalog(control.ConnectionString);
        var at = DateTimeOffset.UtcNow.AddHours(-1);
        await catalog.RecordBackupAsync(new BackupManifest
        {
            BackupId = "20261205T110000Z-status1", Kind = BackupKind.Full, Database = "app", CreatedAt = at, CompletedAt = at.AddMinutes(1),
            RawBytes = 5000, StoredBytes = 1234, StoredSha256 = new string('a', 64), PlainSha256 = new string('b', 64), KeyId = "k",
            ArtifactKey = "app/x.bfa", Copies = [new TargetCopy("local", "app/x.bfa", true, at), new TargetCopy("s3", "app/x.bfa", true, at)],
        }, "Succeeded", null);
        await catalog.RecordRestoreAsync(new CatalogRestore(0, "20261205T110000Z-status1", "test", "scratch", "local", true, at.AddMinutes(5), at.AddMinutes(6), null, null));
        await catalog.RaiseAlertAsync("warning", "backup.partial", "reports backup reached 2 of 3 targets", "status-test", null);
        return catalog;
    }

    [Fact]
    public async Task Status_json_is_the_catalogs_health_with_its_checks_databases_and_open_alerts()
    {
        await using var control = await TempDatabase.CreateAsync("ctl_status");
        var catalog = await FilledCatalogAsync(control);
        var expected = await catalog.GetHealthAsync();
        var alerts = await catalog.ListAlertsAsync();

        var run = await Backupctl.RunAsync("status", "--json", "--config", ConfigFor(control.ConnectionString));

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json;
        Assert.True(json.GetProperty("ok").GetBoolean());
        var health = json.GetProperty("health");
        Assert.Equal(expected.Score, health.GetProperty("score").GetInt32());
        Assert.Equal(95, expected.Score); // one open warning: 5 off
        Assert.Equal(expected.Status, health.GetProperty("status").GetString());
        Assert.Equal(expected.Checks.Select(c => (c.Name, c.Database, c.Deduction)),
            health.GetProperty("checks").EnumerateArray().Select(c =>
                (c.GetProperty("name").GetString()!, c.TryGetProperty("database", out var d) ? d.GetString() : null, c.GetProperty("deduction").GetInt32())));
        var db = Assert.Single(health.GetProperty("databases").EnumerateArray());
        Assert.Equal("app", db.GetProperty("database").GetString());
        Assert.Equal("20261205T110000Z-status1", db.GetProperty("newestFullBackupId").GetString());
        Assert.Equal(2, db.GetProperty("newestFullBackupVerifiedCopies").GetInt32());
        Assert.Equal(1234, db.GetProperty("newestFullBackupStoredBytes").GetInt64());
        Assert.Equal(alerts.Select(a => a.Id), json.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("id").GetInt64()));
        Assert.Equal("warning", json.GetProperty("alerts")[0].GetProperty("severity").GetString());
    }

    [Fact]
    public async Task Status_for_people_shows_the_score_the_database_and_the_alert_and_min_score_sets_the_exit_code()
    {
        await using var control = await TempDatabase.CreateAsync("ctl_status");
        await FilledCatalogAsync(control);
        var config = ConfigFor(control.ConnectionString);

        var table = await Backupctl.RunAsync("status", "--config", config);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("95/100 healthy", table.Stdout);
        Assert.Contains("20261205T110000Z-status1 (Succeeded)", table.Stdout);
        Assert.Contains("reports backup reached 2 of 3 targets", table.Stdout);
        Assert.Contains("-5", table.Stdout);

        Assert.Equal(0, (await Backupctl.RunAsync("status", "--min-score", "95", "--config", config)).ExitCode);
        var below = await Backupctl.RunAsync("status", "--json", "--min-score", "96", "--config", config);
        Assert.True(below.ExitCode == 1, below.ToString());
        Assert.False(below.Json.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Status_without_a_control_database_exits_2_and_names_the_setting()
    {
        var run = await Backupctl.RunAsync("status", "--config", ConfigFor(""));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("BackupFunctions:Control:ConnectionString", run.Stderr);
    }
}
