using Microsoft.DurableTask.Client;

namespace BackupFunctions.Workflows.Admission;

/// <summary>The admission limit's view of the task hub, through either host's durable client.</summary>
public static class DurableRunStates
{
    public static RunStateProbe Probe(DurableTaskClient client) => async (instanceId, ct) =>
        await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, ct) switch
        {
            null => RunState.Unknown,
            { RuntimeStatus: OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated } => RunState.Finished,
            _ => RunState.Running,
        };
}
