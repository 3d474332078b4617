using System.Globalization;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Schedules;
using DurableTask.Core;

namespace BackupFunctions.Host.Tests.Timers;

/// <summary>
/// Two host processes on one control database and one task hub, both running a fast schedule: every due time becomes
/// exactly one orchestration instance, run exactly once, whichever host fires first and however late the other one is.
/// </summary>
public sealed class TwoHostProcessesTests
{
    private const int DueTimesToSee = 5;

    [Fact]
    public async Task Each_due_time_of_a_fast_schedule_runs_exactly_once_across_two_hosts()
    {
        await using var db = await TempDatabase.CreateAsync("timers");
        await db.ExecuteAsync($"CREATE TABLE {RunRecorder.Table} (instance_id text, run_id text, pid int, PRIMARY KEY (instance_id, run_id))");
        await using var hub = new TestHub();
        var settings = HostSettings.For(db.ConnectionString, hub.Name)
            .With("BackupFunctions:Host:RunTimers", "true")
            .With("BackupFunctions:Schedules:Retention:Cron", "*/2 * * * * *")
            .With("Logging:LogLevel:BackupFunctions.Host.Schedules", "Debug");
        foreach (var name in ScheduleName.DefaultCron.Keys.Where(n => n != ScheduleName.Retention))
        {
            settings[$"BackupFunctions:Schedules:{name}:Enabled"] = "false";
        }

        var first = await HostProcess.StartAsync(settings, HostEntry.TestRecorder);
        var second = await HostProcess.StartAsync(settings, HostEntry.TestRecorder);
        var prefix = ScheduledInstanceId.PrefixFor(ScheduleName.Retention);
        var bothUp = DateTime.UtcNow;
        try
        {
            await Polling.UntilAsync(
                async () => (await hub.InstancesAsync(prefix)).Count(s => s.OrchestrationStatus == OrchestrationStatus.Completed && s.CreatedTime >= bothUp),
                n => n >= DueTimesToSee,
                $"{DueTimesToSee} completed scheduled runs while both hosts are up", maxSeconds: 90);

            // Both schedulers take part: each fires due times, starting them or finding them claimed by the other. On a
            // loaded machine one host's timer may start a little later than the first runs complete, so wait for it.
            await Polling.UntilAsync(
                () => Task.FromResult(new[] { first, second }.All(h => h.Output.Any(line => line.Contains("[1402]") || line.Contains("[1403]")))),
                fired => fired, "both hosts to fire a due time", maxSeconds: 60);
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
        }

        var instances = await hub.InstancesAsync(prefix);
        var runs = await RunsPerInstanceAsync(db);
        Assert.True(instances.Count(i => i.OrchestrationStatus == OrchestrationStatus.Completed) >= DueTimesToSee);
        foreach (var instance in instances)
        {
            var id = instance.OrchestrationInstance.InstanceId;

            // The id names a due time of the schedule, in whole even seconds.
            var due = DateTime.ParseExact(id[prefix.Length..], "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            Assert.Equal(0, due.Second % 2);
            Assert.Single(await hub.ExecutionsAsync(id));
            var executions = runs.GetValueOrDefault(id);
            Assert.True(executions <= 1, $"{id} ran {executions} times");
            if (instance.OrchestrationStatus == OrchestrationStatus.Completed)
            {
                Assert.Equal(1, executions);
            }
        }

        Assert.All(runs.Keys, id => Assert.Contains(instances, i => i.OrchestrationInstance.InstanceId == id));

        // And the claims say the same: one per due time, each naming its instance.
        var claims = await ClaimsAsync(db);
        Assert.All(instances, i => Assert.Equal(1, claims.GetValueOrDefault(i.OrchestrationInstance.InstanceId)));
    }

    private static async Task<Dictionary<string, int>> RunsPerInstanceAsync(TempDatabase db) =>
        await CountsAsync(db, $"SELECT instance_id, count(*)::int FROM {RunRecorder.Table} GROUP BY instance_id");

    private static async Task<Dictionary<string, int>> ClaimsAsync(TempDatabase db) =>
        await CountsAsync(db, "SELECT instance_id, count(*)::int FROM bf_catalog.schedule_runs GROUP BY instance_id");

    private static async Task<Dictionary<string, int>> CountsAsync(TempDatabase db, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<string, int>();
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = reader.GetInt32(1);
        }

        return counts;
    }
}
