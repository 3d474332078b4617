using System.Net;
using System.Text.Json;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Orchestrations;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BackupFunctions.Host.Tests.EndToEnd;

/// <summary>
/// The workflows that wait or touch files, on the real engine (the Durable Task Framework on Azurite) in the host:
/// a DR run that holds at its approval step until an admin raises "Approve" over the management API, and a files
/// backup followed by a retention run.
/// </summary>
public sealed class DisasterRecoveryAndFilesHttpTests
{
    [Fact]
    public async Task A_dr_run_waits_for_approval_then_restores_onto_a_fresh_server()
    {
        await using var source = await TempDatabase.CreateAsync("e2edr");
        await source.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 250) g;");
        await using var control = await TempDatabase.CreateAsync("e2ectl");
        await using var targets = await RealTargets.CreateAsync(source.Name);
        await using var hub = new TestHub();
        await using var fresh = await EmbeddedPostgres.StartAsync(16);
        var settings = HostSettings.For(control.ConnectionString, hub.Name, productWorkflows: true).WithOptions(targets.Options);
        await using var host = await TestHost.StartAsync(settings);
        var admin = host.Client(TestKeys.Admin);

        var backupId = (await HttpRuns.CompleteAsync(admin, "/api/backups", """{"kind":"full"}""")).GetProperty("output").Str("backupId");

        var server = new NpgsqlConnectionStringBuilder { Host = fresh.Host, Port = fresh.Port, Username = EmbeddedPostgres.User }.ConnectionString;
        var started = await admin.PostAsync("/api/dr", HttpJson.Body(JsonSerializer.Serialize(new
        {
            backupId, targetConnectionString = server, targetDatabase = "recovered", rtoTarget = "00:30:00",
        })));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var payload = await started.JsonAsync();
        var statusUrl = payload.Str("statusQueryGetUri");

        var waiting = await Polling.UntilAsync(
            async () => await (await admin.GetAsync(statusUrl)).JsonAsync(),
            s => s.TryGetProperty("customStatus", out var c) && c.ValueKind == JsonValueKind.Object && c.Str("status") == "waiting for approval"
                || s.Str("runtimeStatus") is "Completed" or "Failed" or "Terminated",
            "the DR run to wait for approval", maxSeconds: 180);
        Assert.Equal("Running", waiting.Str("runtimeStatus"));
        Assert.False(await DatabaseExistsAsync(fresh, "recovered"), "nothing may be restored before the approval");

        var approve = payload.Str("sendEventPostUri").Replace("{eventName}", "Approve", StringComparison.Ordinal);
        var raised = await admin.PostAsync(approve, HttpJson.Body("""{"by":"alice"}"""));
        Assert.Equal(HttpStatusCode.Accepted, raised.StatusCode);

        var done = await Polling.UntilAsync(
            async () => await (await admin.GetAsync(statusUrl)).JsonAsync(),
            s => s.Str("runtimeStatus") is "Completed" or "Failed" or "Terminated",
            "the DR run to finish", maxSeconds: 240);
        Assert.True(done.Str("runtimeStatus") == "Completed", $"DR ended as {done}");
        var report = done.GetProperty("output");
        Assert.Equal("succeeded", report.Str("status"));
        Assert.Equal("alice", report.Str("approvedBy"));
        Assert.Equal(250, report.GetProperty("rowsVerified").GetInt64());
        Assert.True(report.GetProperty("rtoMet").GetBoolean());
        Assert.Equal(250L, await CountAsync(fresh, "recovered"));
    }

    [Fact]
    public async Task A_files_backup_reaches_every_target_and_retention_runs_on_the_task_hub()
    {
        await using var source = await TempDatabase.CreateAsync("e2efiles");
        await using var control = await TempDatabase.CreateAsync("e2ectl");
        await using var targets = await RealTargets.CreateAsync(source.Name);
        var config = Directory.CreateDirectory(Path.Combine(targets.Root, "etc-app"));
        await File.WriteAllTextAsync(Path.Combine(config.FullName, "app.conf"), "listen = 5432\n");
        targets.Options.Files = new FilesOptions { Paths = [config.FullName] };
        targets.Options.Retention = new RetentionOptions { DefaultKeepDays = 30 };
        await using var hub = new TestHub();
        var settings = HostSettings.For(control.ConnectionString, hub.Name, productWorkflows: true).WithOptions(targets.Options);
        await using var host = await TestHost.StartAsync(settings);
        var client = host.Client(TestKeys.Function);

        var files = (await HttpRuns.CompleteAsync(client, "/api/backups", """{"kind":"files"}""")).GetProperty("output");
        Assert.Equal("Succeeded", files.Str("status"));
        var copies = files.GetProperty("copies").EnumerateArray().ToList();
        Assert.Equal([RealTargets.Azure, RealTargets.Local, RealTargets.S3], copies.Select(c => c.Str("target")).Order());
        Assert.All(copies, c => Assert.True(c.GetProperty("verified").GetBoolean(), $"copy not verified: {c}"));

        // Retention has no route: it is a timer's work. Started here as its timer would, through the host's client.
        var durable = host.Services.GetRequiredService<DurableTaskClient>();
        var id = await durable.ScheduleNewOrchestrationInstanceAsync(OrchestrationNames.Retention);
        using var wait = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var retention = await durable.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, wait.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, retention.RuntimeStatus);
        using var results = JsonDocument.Parse(retention.SerializedOutput!);
        var perTarget = results.RootElement.EnumerateArray().ToList();
        Assert.Equal([RealTargets.Azure, RealTargets.Local, RealTargets.S3], perTarget.Select(r => r.Str("target")).Order());
        Assert.All(perTarget, r => Assert.Empty(r.GetProperty("deleted").EnumerateArray()));
        Assert.All(perTarget, r => Assert.Equal(30, r.GetProperty("keepDays").GetInt32()));
    }

    private static async Task<bool> DatabaseExistsAsync(EmbeddedPostgres server, string database)
    {
        await using var connection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder { Host = server.Host, Port = server.Port, Username = EmbeddedPostgres.User, Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @d", connection);
        command.Parameters.AddWithValue("d", database);
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }

    private static async Task<long> CountAsync(EmbeddedPostgres server, string database)
    {
        await using var connection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder { Host = server.Host, Port = server.Port, Username = EmbeddedPostgres.User, Database = database, Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM items", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
