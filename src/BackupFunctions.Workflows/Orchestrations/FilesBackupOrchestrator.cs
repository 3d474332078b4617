using Microsoft.DurableTask;
using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Models;

namespace BackupFunctions.Workflows.Orchestrations;

/// <summary>The configured files (tar) through the same pipeline and the same multi-target flow.</summary>
[DurableTask(OrchestrationNames.FilesBackup)]
public sealed class FilesBackupOrchestrator(WorkflowRetries retries) : TaskOrchestrator<BackupRequest, BackupRunSummary>
{
    public override Task<BackupRunSummary> RunAsync(TaskOrchestrationContext context, BackupRequest input) =>
        BackupFlow.RunAsync(context, retries, input, BackupKinds.Files, (backupId, _) =>
            (nameof(ArchiveFiles), new ArchiveFilesRequest(backupId, context.CurrentUtcDateTime)));
}
