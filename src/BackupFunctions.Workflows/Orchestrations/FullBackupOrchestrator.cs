using Microsoft.DurableTask;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Operations;

namespace BackupFunctions.Workflows.Orchestrations;

/// <summary>
/// A whole-database backup: preflight, dump+compress+encrypt to staging, then the shared
/// upload/verify/manifest/catalog flow. Each step shows in custom status.
/// </summary>
[DurableTask(OrchestrationNames.FullBackup)]
public sealed class FullBackupOrchestrator(WorkflowRetries retries) : TaskOrchestrator<BackupRequest, BackupRunSummary>
{
    public override Task<BackupRunSummary> RunAsync(TaskOrchestrationContext context, BackupRequest input) =>
        BackupFlow.RunAsync(context, retries, input, BackupKinds.Full, (backupId, preflight) =>
            (nameof(DumpCompressEncrypt), new DumpRequest(backupId, context.CurrentUtcDateTime, preflight.Database) { Kind = BackupKind.Full, StreamTo = preflight.Targets }));
}
