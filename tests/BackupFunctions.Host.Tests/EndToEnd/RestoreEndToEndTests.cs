using System.Net;
using System.Text.Json;
using BackupFunctions.Host.Schedules;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Schedules;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BackupFunctions.Host.Tests.EndToEnd;

/// <summary>
/// Backup, restore and the scheduled test restore with the product orchestrations in the self-hosted host: the
/// backup and restore through the HTTP API, the test restore started as its timer starts it at a due time
/// (ScheduledRunStarter), under the due time's instance id.
/// </summary>
public sealed class RestoreEndToEndTests
{
    [Fact]
    public async Task A_backup_restores_over_http_and_the_test_restore_timer_checks_it_against_the_manifest()
    {
        await using var source = await TempDatabase.CreateAsync("e2erst");
        await source.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 300) g;");
        await using var control = await TempDatabase.CreateAsync("e2ectl");
        await using var targets = await RealTargets.CreateAsync(source.Name);
        await using var hub = new TestHub();
        var settings = HostSettings.For(control.ConnectionString, hub.Name, productWorkflows: true).WithOptions(targets.Options);
        await using var host = await TestHost.StartAsync(settings);
        var client = host.Client(TestKeys.Admin);

        var backup = await HttpRuns.CompleteAsync(client, "/api/backups", """{"kind":"full"}""");
        var backupId = backup.GetProperty("output").Str("backupId");

        var restoredName = "bf_e2e_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            var restore = await HttpRuns.CompleteAsync(client, "/api/restores", $$"""{"backupId":"{{backupId}}","targetDatabase":"{{restoredName}}"}""");
            Assert.True(restore.GetProperty("output").GetProperty("succeeded").GetBoolean());
            Assert.Equal(300L, await CountAsync(restoredName));
        }
        finally
        {
            await DropAsync(restoredName);
        }

        // The monthly test restore, as its timer starts it at a due time: once, under the due time's id.
        var schedule = host.Services.GetRequiredService<ScheduleCatalog>().All.Single(s => s.Name == ScheduleName.TestRestore);
        var due = schedule.Cron.LatestAtOrBefore(DateTime.UtcNow)!.Value;
        var starter = host.Services.GetRequiredService<ScheduledRunStarter>();
        var outcome = Assert.Single(await starter.StartAsync(schedule, due, CancellationToken.None));
        var instanceId = ScheduledInstanceId.For(ScheduleName.TestRestore, due);
        Assert.Equal(new ScheduledRunOutcome(instanceId, Started: true), outcome);
        Assert.False(Assert.Single(await starter.StartAsync(schedule, due, CancellationToken.None)).Started);
        var testRestore = await Polling.UntilAsync(
            async () => await (await client.GetAsync($"/runtime/webhooks/durabletask/instances/{Uri.EscapeDataString(instanceId)}")).JsonAsync(),
            s => s.TryGetProperty("runtimeStatus", out var r) && r.GetString() is "Completed" or "Failed",
            "the test restore to finish", maxSeconds: 180);
        Assert.True(testRestore.Str("runtimeStatus") == "Completed", $"test restore ended as {testRestore}");
        var summary = testRestore.GetProperty("output");
        Assert.Equal(backupId, summary.Str("backupId"));
        Assert.True(summary.GetProperty("succeeded").GetBoolean());
        Assert.True(summary.GetProperty("scratchDropped").GetBoolean());
        Assert.Empty(summary.GetProperty("mismatches").EnumerateArray());

        var restores = await (await client.GetAsync("/api/restores")).JsonAsync();
        Assert.Contains(restores.EnumerateArray(), r => r.Str("kind") == "test" && r.GetProperty("succeeded").GetBoolean());
    }

    private static async Task<long> CountAsync(string database)
    {
        await using var connection = new NpgsqlConnection(TestServices.PgConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM items", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task DropAsync(string database)
    {
        await using var connection = new NpgsqlConnection(TestServices.PgConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
