using BackupFunctions.Host.Schedules;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Schedules;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Host.Tests.Timers;

/// <summary>What a timer does at a due time (ScheduledRunStarter): one instance per unit under the due time's id, once.</summary>
[Collection(HostCollection.Name)]
public sealed class ScheduledRunStarterTests(TestHostFixture fixture)
{
    private static readonly DateTime Due = new(2026, 3, 1, 2, 0, 0, DateTimeKind.Utc);

    private ScheduledRunStarter Starter => fixture.Host.Services.GetRequiredService<ScheduledRunStarter>();

    private ScheduleDefinition Schedule(string name) =>
        fixture.Host.Services.GetRequiredService<ScheduleCatalog>().All.Single(s => s.Name == name);

    [Fact]
    public async Task A_due_time_starts_once_even_when_fired_again_after_its_run_finished()
    {
        var schedule = Schedule(ScheduleName.FullBackup);
        var first = Assert.Single(await Starter.StartAsync(schedule, Due, CancellationToken.None));
        // The test host lists one database (Source:Databases: reports), so the full backup has one unit: that database.
        Assert.Equal(new ScheduledRunOutcome("schedule:fullbackup:20260301T020000Z:reports", Started: true), first);

        var done = await fixture.Host.Durable.CompletedAsync(first.InstanceId);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(OrchestrationNames.FullBackup, done.Name);
        Assert.Equal("full", done.ReadOutputAs<BackupRequest>()!.Kind);

        // Fired again after the run finished (a retry, or a second host late): nothing new starts.
        var second = Assert.Single(await Starter.StartAsync(schedule, Due, CancellationToken.None));
        Assert.False(second.Started);
        var after = Assert.Single(await fixture.Host.Durable.InstancesAsync(ScheduledInstanceId.PrefixFor(ScheduleName.FullBackup)));
        Assert.Equal(done.LastUpdatedAt, after.LastUpdatedAt);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, after.RuntimeStatus);
    }

    [Fact]
    public async Task A_schedule_per_tenant_starts_one_instance_per_tenant()
    {
        var schedule = Schedule(ScheduleName.TenantBackup) with
        {
            Units = _ => [new ScheduledUnit("t1", new BackupRequest { Kind = BackupKinds.Tenant, TenantId = "t1" }),
                new ScheduledUnit("t2", new BackupRequest { Kind = BackupKinds.Tenant, TenantId = "t2" })],
        };
        var due = Due.AddHours(1);
        var outcomes = await Starter.StartAsync(schedule, due, CancellationToken.None);
        Assert.Equal(["schedule:tenantbackup:20260301T030000Z:t1", "schedule:tenantbackup:20260301T030000Z:t2"], outcomes.Select(o => o.InstanceId));
        Assert.All(outcomes, o => Assert.True(o.Started));
        foreach (var outcome in outcomes)
        {
            var done = await fixture.Host.Durable.CompletedAsync(outcome.InstanceId);
            Assert.Equal(outcome.InstanceId[^2..], done.ReadOutputAs<BackupRequest>()!.TenantId);
        }

        Assert.Equal(outcomes.Select(o => o.InstanceId),
            (await fixture.Host.Durable.InstancesAsync(ScheduledInstanceId.PrefixFor(ScheduleName.TenantBackup))).Select(i => i.InstanceId).Order());
    }

    [Fact]
    public async Task A_schedule_with_no_units_starts_nothing()
    {
        var schedule = Schedule(ScheduleName.TenantBackup); // no tenants configured in this host
        Assert.Empty(await Starter.StartAsync(schedule, Due.AddDays(7), CancellationToken.None));
        Assert.False(await Starter.HasRunBeforeAsync(Schedule(ScheduleName.FilesBackup), CancellationToken.None));
    }
}
