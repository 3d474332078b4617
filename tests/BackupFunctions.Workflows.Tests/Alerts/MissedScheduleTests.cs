using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Alerts;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Schedules;
using BackupFunctions.Workflows.Tests.Orchestrations;
using BackupFunctions.Workflows.Tests.Support;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Workflows.Tests.Alerts;

/// <summary>
/// The dead-man check on the real engine, targets and catalog: it runs inside the hourly integrity orchestration, raises
/// one <c>schedule.missed</c> alert per schedule unit whose work did not land, and the next good run resolves it.
/// </summary>
[Collection(SampleDatabaseCollection.Name)]
public sealed class MissedScheduleTests(SampleDatabaseFixture sample)
{
    [Fact]
    public async Task A_stale_last_success_raises_a_good_run_resolves_and_a_never_due_schedule_stays_quiet()
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        var options = targets.Options;
        options.Source.Databases = [sample.Name];
        options.Tenants.TenantIds = ["never-due-tenant"];
        var clock = new ShiftedClock();
        var watch = ScheduleWatch.Build(
            [
                (ScheduleName.FullBackup, CronSchedule.Parse("0 0 2 * * *"), true),
                (ScheduleName.TenantBackup, CronSchedule.Parse("0 0 3 * * 0"), true),
                (ScheduleName.TestRestore, CronSchedule.Parse("0 0 5 1 * *"), false),
            ],
            options, hostStartedAt: null);
        await using var engine = await EngineHarness.StartAsync(options, services: s =>
        {
            s.AddSingleton(watch);
            s.AddSingleton<TimeProvider>(clock);
        });
        var full = AlertKeys.MissedSchedule(ScheduleName.FullBackup, sample.Name);
        var tenant = AlertKeys.MissedSchedule(ScheduleName.TenantBackup, "never-due-tenant");
        Assert.Equal([full, tenant], watch.Schedules.Select(s => s.AlertKey));

        // A good full backup today, watched for weeks; then stand three days later: the nightly run has not landed since.
        var first = await engine.RunAsync(OrchestrationNames.FullBackup, new BackupRequest { Database = sample.Name }, TimeSpan.FromMinutes(5));
        Assert.Equal("Succeeded", first.ReadOutputAs<BackupRunSummary>()!.Status);
        await engine.Catalog.WatchedSinceAsync(full, DateTimeOffset.UtcNow.AddDays(-30));
        clock.Offset = TimeSpan.FromDays(3);
        await RunHourlyCheckAsync(engine);

        var open = await engine.Catalog.ListAlertsAsync();
        var missed = Assert.Single(open, a => a.DedupeKey == full);
        Assert.Equal("critical", missed.Severity);
        Assert.Equal(CheckSchedules.Code, missed.Code);
        Assert.Contains($"FullBackup for '{sample.Name}'", missed.Message);
        Assert.Contains("the last good run finished at", missed.Message);
        // The tenant schedule was first watched by this check (three "days" ago at most): never due since, so quiet.
        Assert.DoesNotContain(open, a => a.DedupeKey == tenant);

        // The check again an hour later: still one open alert for the condition, refreshed, not a second one.
        clock.Offset = TimeSpan.FromDays(3) + TimeSpan.FromHours(1);
        await RunHourlyCheckAsync(engine);
        var again = Assert.Single(await engine.Catalog.ListAlertsAsync(includeAcknowledged: true), a => a.DedupeKey == full);
        Assert.Equal(missed.Id, again.Id);
        Assert.Equal(2, again.Occurrences);

        // Back to today: a good run lands and resolves it (EvaluateBackupRun), with the backup named.
        clock.Offset = TimeSpan.Zero;
        var second = await engine.RunAsync(OrchestrationNames.FullBackup, new BackupRequest { Database = sample.Name }, TimeSpan.FromMinutes(5));
        var secondId = second.ReadOutputAs<BackupRunSummary>()!.BackupId;
        var resolved = Assert.Single(await engine.Catalog.ListAlertsAsync(includeAcknowledged: true), a => a.DedupeKey == full);
        Assert.NotNull(resolved.ResolvedAt);
        Assert.Contains(secondId, resolved.ResolvedReason);

        // The check itself resolves too, when a good run is there and the alert is still open (raised by another host, say).
        await engine.Catalog.RaiseAlertAsync("critical", CheckSchedules.Code, "missed (left open)", full, null);
        var checks = await RunHourlyCheckAsync(engine);
        Assert.Equal(ScheduleState.Met, Assert.Single(checks.Schedules, c => c.Key == full).State);
        Assert.Equal(ScheduleState.NotDue, Assert.Single(checks.Schedules, c => c.Key == tenant).State);
        Assert.DoesNotContain(await engine.Catalog.ListAlertsAsync(), a => a.DedupeKey == full);
    }

    /// <summary>Runs the hourly integrity orchestration and returns what its schedule check found.</summary>
    private static async Task<CheckSchedulesResult> RunHourlyCheckAsync(EngineHarness engine)
    {
        var run = await engine.RunAsync(OrchestrationNames.VerifyIntegrity, new VerifyIntegrityRequest(), TimeSpan.FromMinutes(5));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, run.RuntimeStatus);
        // The orchestration read the activity's result (the converter remembers it); the last one is this run's.
        return engine.Converter.Inputs<CheckSchedulesResult>()[^1];
    }
}
