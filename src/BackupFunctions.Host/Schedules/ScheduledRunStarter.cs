using BackupFunctions.Durable;
using BackupFunctions.Host.Logging;
using BackupFunctions.Host.Management;
using BackupFunctions.Workflows.Configuration;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Schedules;

/// <summary>
/// Starts the orchestrations of one due time, once across all hosts. The instance id is a function of
/// (schedule, due time, unit), and the start blocks on an existing instance in any status, so neither a second host
/// nor a late one re-runs a due time, even after the first run has already finished.
/// </summary>
public sealed class ScheduledRunStarter(DurableTaskClient client, BackupFunctionsOptions options, ILogger<ScheduledRunStarter> logger)
{
    public async Task<IReadOnlyList<ScheduledRunOutcome>> StartAsync(ScheduleDefinition schedule, DateTime dueUtc, CancellationToken ct)
    {
        var units = schedule.Units(options);
        if (units.Count == 0)
        {
            Log.ScheduleHasNoUnits(logger, schedule.Name);
        }

        var outcomes = new List<ScheduledRunOutcome>(units.Count);
        foreach (var unit in units)
        {
            var instanceId = ScheduledInstanceId.For(schedule.Name, dueUtc, unit.Key);
            outcomes.Add(new ScheduledRunOutcome(instanceId, await StartOnceAsync(schedule, instanceId, unit, ct)));
        }

        return outcomes;
    }

    /// <summary>
    /// Whether the schedule has ever run here (any instance with its prefix), which is what makes a missing latest
    /// due time a missed one rather than the first one after a fresh install.
    /// </summary>
    public async Task<bool> HasRunBeforeAsync(ScheduleDefinition schedule, CancellationToken ct)
    {
        var page = await client.QueryInstancesAsync(
            new OrchestrationQuery { InstanceIdPrefix = ScheduledInstanceId.PrefixFor(schedule.Name), PageSize = 1 }, ct);
        return page.Items.Count > 0;
    }

    private async Task<bool> StartOnceAsync(ScheduleDefinition schedule, string instanceId, ScheduledUnit unit, CancellationToken ct)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["InstanceId"] = instanceId });
        try
        {
            // Every status blocks: a due time that has run (even to completion) is never run again.
            await client.ScheduleNewOrchestrationInstanceAsync(
                schedule.Orchestration, unit.Input, new StartOrchestrationOptions(instanceId) { DedupeStatuses = RuntimeStatuses.All }, ct);
            Log.ScheduledStart(logger, schedule.Name, schedule.Orchestration, instanceId);
            return true;
        }
        catch (OrchestrationAlreadyExistsException ex)
        {
            Log.ScheduledAlreadyStarted(logger, schedule.Name, instanceId, ex.Status);
            return false;
        }
    }
}
