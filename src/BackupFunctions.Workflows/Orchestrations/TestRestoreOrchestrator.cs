using Microsoft.DurableTask;
using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Models;

namespace BackupFunctions.Workflows.Orchestrations;

/// <summary>
/// Proves a backup restores: into a scratch database, tables and row counts compared with the
/// manifest, the result recorded, and the scratch database dropped whatever happened.
/// </summary>
[DurableTask(OrchestrationNames.TestRestore)]
public sealed class TestRestoreOrchestrator(WorkflowRetries retries) : TaskOrchestrator<RestoreRequest, RestoreRunSummary>
{
    public override Task<RestoreRunSummary> RunAsync(TaskOrchestrationContext context, RestoreRequest input) =>
        RestoreFlow.RunAsync(context, retries, (input ?? new RestoreRequest()) with { TargetConnectionString = null, TargetDatabase = null }, "test", dropAfter: true);
}
