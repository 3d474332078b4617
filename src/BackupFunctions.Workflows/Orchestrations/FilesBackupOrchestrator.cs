using BackupFunctions.Durable;
using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Operations;

namespace BackupFunctions.Workflows.Orchestrations;

/// <summary>The configured files (tar) through the same pipeline and the same multi-target flow.</summary>
[DurableTask(OrchestrationNames.FilesBackup)]
public sealed class FilesBackupOrchestrator(WorkflowRetries retries) : TaskOrchestrator<BackupRequest, BackupRunSummary>
{
    public override async Task<BackupRunSummary> RunAsync(TaskOrchestrationContext context, BackupRequest input)
    {
        var backupId = input.BackupId ?? BackupFlow.NewBackupId(context);
        var status = new BackupStatus { BackupId = backupId, Database = ArchiveFilesToStaging.FilesDatabase, Step = "archive" };
        context.SetCustomStatus(status);
        StagedArtifact staged;
        PreflightResult preflight;
        try
        {
            // The preflight resolves the target names; the database check it also makes is cheap.
            preflight = await context.CallActivityAsync<PreflightResult>(nameof(PreflightSource),
                new PreflightRequest(null, BackupKinds.Files, null, input.Targets), retries.Default);
            staged = await context.CallActivityAsync<StagedArtifact>(nameof(ArchiveFiles),
                new ArchiveFilesRequest(backupId, context.CurrentUtcDateTime), retries.Default);
        }
        catch (TaskFailedException e)
        {
            await BackupFlow.FailBeforeUploadAsync(context, retries, status, BackupKinds.Files, null, e);
            throw;
        }

        return BackupFlow.ThrowIfFailed(await BackupFlow.DistributeAsync(context, retries, staged, preflight.Targets, status));
    }
}
