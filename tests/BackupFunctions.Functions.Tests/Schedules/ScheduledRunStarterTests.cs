using BackupFunctions.Functions.Schedules;
using BackupFunctions.Functions.Tests.Support;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Schedules;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupFunctions.Functions.Tests.Schedules;

public sealed class ScheduledRunStarterTests
{
    private static readonly DateTime Due = new(2026, 3, 1, 2, 0, 0, DateTimeKind.Utc);

    private static readonly FunctionSchedules Schedules = FunctionSchedules.FromConfiguration(new ConfigurationBuilder().Build());

    private static ScheduledRunStarter Starter(BackupFunctionsOptions? options = null) =>
        new(options ?? new BackupFunctionsOptions(), NullLogger<ScheduledRunStarter>.Instance);

    [Fact]
    public async Task Starts_each_unit_under_its_deterministic_id()
    {
        var client = new FakeDurableTaskClient();
        var options = new BackupFunctionsOptions { Source = { Databases = ["app", "crm"] } };

        var outcomes = await Starter(options).StartAsync(client, Schedules[ScheduleName.FullBackup], Due, CancellationToken.None);

        Assert.Equal(["schedule:fullbackup:20260301T020000Z:app", "schedule:fullbackup:20260301T020000Z:crm"], client.Started);
        Assert.All(outcomes, o => Assert.True(o.Started));
        Assert.All(client.Instances.Values, i => Assert.Equal("FullBackupOrchestrator", i.Name));
    }

    [Fact]
    public async Task A_due_time_that_already_ran_is_not_started_again()
    {
        var client = new FakeDurableTaskClient();
        var schedule = Schedules[ScheduleName.Retention];
        await Starter().StartAsync(client, schedule, Due, CancellationToken.None);

        var again = await Starter().StartAsync(client, schedule, Due, CancellationToken.None);

        Assert.Single(client.Started);
        var outcome = Assert.Single(again);
        Assert.False(outcome.Started);
        Assert.Equal("schedule:retention:20260301T020000Z", outcome.InstanceId);
    }

    [Fact]
    public async Task A_start_that_loses_a_race_counts_as_already_started()
    {
        var client = new FakeDurableTaskClient
        {
            StartFailure = new InvalidOperationException("An Orchestration instance with the ID x already exists."),
            FailureCreatesInstance = true,
        };

        var outcome = Assert.Single(await Starter().StartAsync(client, Schedules[ScheduleName.FilesBackup], Due, CancellationToken.None));

        Assert.False(outcome.Started);
        Assert.Empty(client.Started);
    }

    [Fact]
    public async Task A_start_that_fails_for_another_reason_fails_the_firing()
    {
        var client = new FakeDurableTaskClient { StartFailure = new TimeoutException("storage did not answer") };

        await Assert.ThrowsAsync<TimeoutException>(() =>
            Starter().StartAsync(client, Schedules[ScheduleName.IntegrityCheck], Due, CancellationToken.None));
    }
}
