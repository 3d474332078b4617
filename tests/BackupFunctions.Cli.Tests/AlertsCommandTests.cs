using System.Text.Json;
using BackupFunctions.Cli.Tests.Support;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Alerts;
using BackupFunctions.Workflows.Catalog.Postgres;

namespace BackupFunctions.Cli.Tests;

/// <summary>
/// backupctl alerts against a real control database: list (open, --all), ack, resolve (announced to a real webhook
/// receiver, signature checked), notifications, and a missing id.
/// </summary>
public sealed class AlertsCommandTests
{
    private const string Key = "cli-signing-key-0123456789";

    [Fact]
    public async Task List_ack_resolve_and_the_history_of_deliveries()
    {
        await using var control = await TempDatabase.CreateAsync("ctl_alerts");
        await using var sink = new HttpSink();
        var catalog = new PostgresBackupCatalog(control.ConnectionString);
        var failed = await catalog.RaiseAlertAsync("critical", "backup.failed", "full backup of app failed", "backup:app:full:Failed", null);
        var partial = await catalog.RaiseAlertAsync("warning", "backup.partial", "s3 was down", "backup:app:full:Partial", null);
        var settings = new Dictionary<string, string>
        {
            ["BackupFunctions__Control__ConnectionString"] = control.ConnectionString,
            ["BackupFunctions__Alerts__Channels__ops__Type"] = "Webhook",
            ["BackupFunctions__Alerts__Channels__ops__Url"] = sink.BaseUrl + "hook",
            ["BackupFunctions__Alerts__Channels__ops__SigningKey"] = Key,
            ["BackupFunctions__Alerts__Delivery__BaseDelay"] = "00:00:00.050",
        };

        var list = await Backupctl.RunWithEnvironmentAsync(settings, "alerts", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal([partial, failed], list.Json.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("id").GetInt64()).Order().Reverse().ToList());

        var ack = await Backupctl.RunWithEnvironmentAsync(settings, "alerts", "ack", failed.ToString(), "--by", "alice", "--json");
        Assert.True(ack.ExitCode == 0, ack.ToString());
        var resolve = await Backupctl.RunWithEnvironmentAsync(settings, "alerts", "resolve", partial.ToString(), "--reason", "s3 is back", "--json");
        Assert.True(resolve.ExitCode == 0, resolve.ToString());
        Assert.True(resolve.Json.GetProperty("resolved").GetBoolean());

        // Open and unacknowledged: neither now. The history still has both, each in its state.
        var open = await Backupctl.RunWithEnvironmentAsync(settings, "alerts", "--json");
        Assert.Empty(open.Json.GetProperty("alerts").EnumerateArray());
        var history = (await Backupctl.RunWithEnvironmentAsync(settings, "alerts", "--all", "--json")).Json.GetProperty("alerts").EnumerateArray().ToList();
        Assert.Equal("alice", history.Single(a => a.GetProperty("id").GetInt64() == failed).GetProperty("acknowledgedBy").GetString());
        Assert.Equal("s3 is back", history.Single(a => a.GetProperty("id").GetInt64() == partial).GetProperty("resolvedReason").GetString());

        var delivered = Assert.Single(sink.Requests);
        Assert.True(WebhookSignature.Verify(delivered.Body, Key, delivered.Headers[WebhookSignature.SignatureHeader]));
        using var body = JsonDocument.Parse(delivered.Body);
        Assert.Equal("resolved", body.RootElement.GetProperty("event").GetString());
        Assert.Equal(partial, body.RootElement.GetProperty("alert").GetProperty("id").GetInt64());

        var notifications = await Backupctl.RunWithEnvironmentAsync(settings, "alerts", "notifications", partial.ToString(), "--json");
        var n = Assert.Single(notifications.Json.GetProperty("notifications").EnumerateArray());
        Assert.Equal(("ops", "resolved", "delivered"), (n.GetProperty("channel").GetString(), n.GetProperty("event").GetString(), n.GetProperty("outcome").GetString()));

        var again = await Backupctl.RunWithEnvironmentAsync(settings, "alerts", "resolve", partial.ToString(), "--json");
        Assert.False(again.Json.GetProperty("resolved").GetBoolean());
        Assert.Single(sink.Requests);

        var missing = await Backupctl.RunWithEnvironmentAsync(settings, "alerts", "ack", "999999");
        Assert.True(missing.ExitCode == 5, missing.ToString());
        Assert.Contains("No alert has the id 999999", missing.Stderr);
    }

    [Fact]
    public async Task Without_a_control_database_it_exits_2_and_names_the_setting()
    {
        var run = await Backupctl.RunAsync("alerts");
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("BackupFunctions:Control:ConnectionString", run.Stderr);
    }
}
