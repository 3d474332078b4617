using Microsoft.DurableTask;
using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Models;

namespace BackupFunctions.Workflows.Orchestrations;

/// <summary>
/// Restores a backup into the requested server, or into a scratch database that is kept for inspection; or merges a
/// tenant backup into a database of other tenants (recorded and alerted on as kind "merge").
/// </summary>
[DurableTask(OrchestrationNames.Restore)]
public sealed class RestoreOrchestrator(WorkflowRetries retries) : TaskOrchestrator<RestoreRequest, RestoreRunSummary>
{
    public override Task<RestoreRunSummary> RunAsync(TaskOrchestrationContext context, RestoreRequest input) =>
        RestoreFlow.RunAsync(context, retries, input, RestoreModes.IsMerge(input.Mode) ? RestoreModes.Merge : "restore", dropAfter: false);
}
