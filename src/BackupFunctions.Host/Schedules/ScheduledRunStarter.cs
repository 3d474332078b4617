using BackupFunctions.Host.Logging;
using BackupFunctions.Workflows.Admission;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Schedules;
using Grpc.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Schedules;

/// <summary>
/// Starts the orchestrations of one due time, once across all hosts: the claim in <see cref="ScheduleStateStore"/>
/// decides which host starts a unit, and the start itself uses the deterministic instance id with every status as a
/// dedupe status, so a host that took over a stale claim never starts a second copy.
/// A backup it starts is never refused by the per-database limit; it is counted there, so it holds a slot while it runs.
/// </summary>
public sealed class ScheduledRunStarter(
    DurableTaskClient client, ScheduleStateStore state, BackupFunctionsOptions options, ILogger<ScheduledRunStarter> logger,
    BackupAdmission? admission = null)
{
    private static readonly OrchestrationRuntimeStatus[] EveryStatus = Enum.GetValues<OrchestrationRuntimeStatus>();

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
            var key = unit.Key ?? "";
            var started = false;
            if (await state.TryClaimAsync(schedule.Name, dueUtc, key, instanceId, ct))
            {
                started = await StartOnceAsync(schedule, instanceId, unit, ct);
                await state.MarkStartedAsync(schedule.Name, dueUtc, key, ct);
            }
            else
            {
                Log.ScheduledAlreadyClaimed(logger, schedule.Name, instanceId);
            }

            outcomes.Add(new ScheduledRunOutcome(instanceId, started));
        }

        return outcomes;
    }

    public Task<bool> HasRunBeforeAsync(ScheduleDefinition schedule, CancellationToken ct) => state.HasRunBeforeAsync(schedule.Name, ct);

    private async Task<bool> StartOnceAsync(ScheduleDefinition schedule, string instanceId, ScheduledUnit unit, CancellationToken ct)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["InstanceId"] = instanceId });
        try
        {
            // Counted before the start (a start cannot be taken back), idempotent for a host that takes over the claim.
            if (admission is not null)
            {
                await admission.CountScheduledAsync(unit.Input, instanceId, ct);
            }

            await client.ScheduleNewOrchestrationInstanceAsync(
                schedule.Orchestration, unit.Input, new StartOrchestrationOptions(instanceId).WithDedupeStatuses(EveryStatus), ct);
            Log.ScheduledStart(logger, schedule.Name, schedule.Orchestration, instanceId);
            return true;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists)
        {
            Log.ScheduledAlreadyClaimed(logger, schedule.Name, instanceId);
            return false;
        }
    }
}
