using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace BackupFunctions.Host.Management;

internal static class RuntimeStatuses
{
    /// <summary>Statuses after which an instance takes no more events or control messages.</summary>
    public static bool IsTerminal(OrchestrationRuntimeStatus status) => status is OrchestrationRuntimeStatus.Completed
        or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;

    public static IReadOnlyCollection<OrchestrationRuntimeStatus> All { get; } = Enum.GetValues<OrchestrationRuntimeStatus>();
}
