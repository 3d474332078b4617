using System.Reflection;
using BackupFunctions.Functions.Schedules;
using BackupFunctions.Functions.Tests.Support;
using BackupFunctions.Workflows.Configuration;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupFunctions.Functions.Tests.Schedules;

/// <summary>Each timer function starts its own schedule's runs for the due time its firing stands for.</summary>
public sealed class TimerFunctionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 2, 0, 1, TimeSpan.Zero);

    public static TheoryData<string> TimerMethods => new(typeof(TimerFunctions).GetMethods()
        .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null).Select(m => m.Name));

    [Theory]
    [MemberData(nameof(TimerMethods))]
    public async Task A_firing_starts_only_its_schedule_s_orchestration_for_the_latest_due_time(string method)
    {
        var schedules = FunctionSchedules.FromConfiguration(EveryMinute());
        var schedule = schedules.All.Single(s => s.FunctionName == method);
        var client = new FakeDurableTaskClient();

        var expected = new FakeDurableTaskClient();
        await Starter().StartAsync(expected, schedule, new DateTime(2026, 3, 1, 2, 0, 0, DateTimeKind.Utc), CancellationToken.None);

        await Invoke(Functions(schedules), method, client);

        Assert.Equal(expected.Started, client.Started);
        Assert.All(client.Started, id => Assert.StartsWith($"schedule:{schedule.Name.ToLowerInvariant()}:20260301T020000Z", id, StringComparison.Ordinal));
        Assert.All(client.Instances.Values, i => Assert.Equal(schedule.Orchestration, i.Name));
    }

    [Fact]
    public async Task A_schedule_with_no_due_time_in_the_window_starts_nothing()
    {
        // 30 February: a valid expression that never fires.
        var schedules = FunctionSchedules.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["RetentionSchedule"] = "0 0 0 30 2 *" }).Build());
        var client = new FakeDurableTaskClient();

        await Invoke(Functions(schedules), nameof(TimerFunctions.RetentionTimer), client);

        Assert.Empty(client.Started);
    }

    /// <summary>Every schedule due each minute, so the firing at 02:00:01 is for 02:00:00 whatever the default crons are.</summary>
    private static IConfiguration EveryMinute() => new ConfigurationBuilder().AddInMemoryCollection(
        FunctionSchedules.FromConfiguration(new ConfigurationBuilder().Build()).All
            .ToDictionary(s => s.SettingName, _ => (string?)"0 * * * * *")).Build();

    private static ScheduledRunStarter Starter() =>
        new(new BackupFunctionsOptions { Source = { Databases = ["app", "crm"] } }, NullLogger<ScheduledRunStarter>.Instance);

    private static TimerFunctions Functions(FunctionSchedules schedules) =>
        new(schedules, Starter(), new FixedTime(Now), NullLogger<TimerFunctions>.Instance);

    private static Task Invoke(TimerFunctions functions, string method, DurableTaskClient client)
    {
        var context = new FakeFunctionContext(method, new ServiceCollection().BuildServiceProvider(), new Dictionary<string, object?>());
        return (Task)typeof(TimerFunctions).GetMethod(method)!.Invoke(functions, [new TimerInfo(), client, context])!;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
