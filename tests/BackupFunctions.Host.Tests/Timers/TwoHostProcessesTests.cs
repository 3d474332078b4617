using System.Globalization;
using BackupFunctions.Durable;
using BackupFunctions.Host.Schedules;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Testing;

namespace BackupFunctions.Host.Tests.Timers;

/// <summary>
/// Two host processes on one control database, both running a fast schedule: every due time becomes exactly one
/// orchestration instance, run exactly once, whichever host fires first and however late the other one is.
/// </summary>
public sealed class TwoHostProcessesTests
{
    private const int DueTimesToSee = 5;

    [Fact]
    public async Task Each_due_time_of_a_fast_schedule_runs_exactly_once_across_two_hosts()
    {
        await using var db = await TempDatabase.CreateAsync("timers");
        await db.ExecuteAsync($"CREATE TABLE {RunRecorder.Table} (instance_id text, run_id text, pid int, PRIMARY KEY (instance_id, run_id))");
        var settings = HostSettings.For(db.ConnectionString, HostSettings.NewHub())
            .With("BackupFunctions:Host:RunTimers", "true")
            .With("BackupFunctions:Schedules:Retention:Cron", "*/2 * * * * *")
            .With("Logging:LogLevel:BackupFunctions.Host.Schedules", "Debug");
        foreach (var name in ScheduleName.DefaultCron.Keys.Where(n => n != ScheduleName.Retention))
        {
            settings[$"BackupFunctions:Schedules:{name}:Enabled"] = "false";
        }

        var first = await HostProcess.StartAsync(settings, HostEntry.TestRecorder);
        var second = await HostProcess.StartAsync(settings, HostEntry.TestRecorder);
        await using var client = new DurableTaskClient(new DurableTaskOptions
        {
            ConnectionString = db.ConnectionString,
            TaskHubName = settings["BackupFunctions:Control:TaskHub"]!,
        });
        var prefix = ScheduledInstanceId.PrefixFor(ScheduleName.Retention);
        var bothUp = DateTime.UtcNow;
        try
        {
            await Polling.UntilAsync(
                async () => (await client.QueryInstancesAsync(new OrchestrationQuery
                {
                    InstanceIdPrefix = prefix,
                    CreatedFrom = bothUp,
                    Statuses = [OrchestrationRuntimeStatus.Completed],
                })).Items.Count,
                n => n >= DueTimesToSee,
                $"{DueTimesToSee} completed scheduled runs while both hosts are up", maxSeconds: 90);
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
        }

        var instances = (await client.QueryInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = prefix, PageSize = 1000 })).Items;
        var runs = await RunsPerInstanceAsync(db);
        Assert.True(instances.Count(i => i.RuntimeStatus == OrchestrationRuntimeStatus.Completed) >= DueTimesToSee);
        foreach (var instance in instances)
        {
            // The id names a due time of the schedule, in whole even seconds.
            var due = DateTime.ParseExact(instance.InstanceId[prefix.Length..], "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            Assert.Equal(0, due.Second % 2);
            var executions = runs.GetValueOrDefault(instance.InstanceId);
            Assert.True(executions <= 1, $"{instance.InstanceId} ran {executions} times");
            if (instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed)
            {
                Assert.Equal(1, executions);
            }
        }

        Assert.All(runs.Keys, id => Assert.Contains(instances, i => i.InstanceId == id));

        // Both schedulers took part: each fired due times, starting them or finding them started by the other.
        foreach (var host in new[] { first, second })
        {
            Assert.Contains(host.Output, line => line.Contains("[1402]") || line.Contains("[1403]"));
        }
    }

    private static async Task<Dictionary<string, int>> RunsPerInstanceAsync(TempDatabase db)
    {
        await using var connection = new Npgsql.NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"SELECT instance_id, count(*)::int FROM {RunRecorder.Table} GROUP BY instance_id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var runs = new Dictionary<string, int>();
        while (await reader.ReadAsync())
        {
            runs[reader.GetString(0)] = reader.GetInt32(1);
        }

        return runs;
    }
}
