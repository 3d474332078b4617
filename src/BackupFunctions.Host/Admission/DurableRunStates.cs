using BackupFunctions.Workflows.Admission;
using Microsoft.DurableTask.Client;

namespace BackupFunctions.Host.Admission;

/// <summary>The admission limit's view of the task hub, through this host's durable client.</summary>
internal static class DurableRunStates
{
    public static RunStateProbe Probe(DurableTaskClient client) => async (instanceId, ct) =>
        await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, ct) switch
        {
            null => RunState.Unknown,
            { RuntimeStatus: OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated } => RunState.Finished,
            _ => RunState.Running,
        };
}
