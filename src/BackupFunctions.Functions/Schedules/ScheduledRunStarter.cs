using BackupFunctions.Workflows.Admission;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Schedules;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Functions.Schedules;

/// <summary>
/// Starts the units of one due time under their deterministic ids, at most once. The Functions host's default
/// (overridableExistingInstanceStates: NonRunningStates) would overwrite a finished instance with the same id, so
/// an instance that exists in any state is looked up first and left alone; a start that races another one and
/// fails is taken as "already started" when the instance is there afterwards.
/// A backup it starts is never refused by the per-database limit; it is counted there, so it holds a slot while it runs.
/// </summary>
public sealed class ScheduledRunStarter(BackupFunctionsOptions options, ILogger<ScheduledRunStarter> logger, BackupAdmission? admission = null)
{
    public async Task<IReadOnlyList<ScheduledRunOutcome>> StartAsync(
        DurableTaskClient client, FunctionSchedule schedule, DateTime dueUtc, CancellationToken ct)
    {
        var outcomes = new List<ScheduledRunOutcome>();
        foreach (var unit in schedule.Units(options))
        {
            var instanceId = ScheduledInstanceId.For(schedule.Name, dueUtc, unit.Key);
            if (admission is not null)
            {
                // Counted before the start (a start cannot be taken back); idempotent when the timer fires twice.
                await admission.CountScheduledAsync(unit.Input, instanceId, ct);
            }

            var started = await StartOnceAsync(client, schedule.Orchestration, instanceId, unit.Input, ct);
            outcomes.Add(new ScheduledRunOutcome(instanceId, started));
            if (started)
            {
                logger.LogInformation("Schedule {Schedule} started {Orchestration} as {InstanceId}.", schedule.Name, schedule.Orchestration, instanceId);
            }
            else
            {
                logger.LogInformation("Schedule {Schedule}: {InstanceId} already exists; not started again.", schedule.Name, instanceId);
            }
        }

        if (outcomes.Count == 0)
        {
            logger.LogWarning("Schedule {Schedule} has nothing to run (no tenants or databases configured).", schedule.Name);
        }

        return outcomes;
    }

    private static async Task<bool> StartOnceAsync(DurableTaskClient client, string orchestration, string instanceId, object? input, CancellationToken ct)
    {
        if (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, ct) is not null)
        {
            return false;
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(orchestration, input, new StartOrchestrationOptions(instanceId), ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever the transport calls "already exists" (gRPC AlreadyExists, InvalidOperationException), the
            // instance being there now is what matters; anything else is a real failure of this firing.
            if (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, ct) is not null)
            {
                return false;
            }

            throw;
        }
    }
}
