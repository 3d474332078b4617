using BackupFunctions.Durable;
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
    public override async Task<BackupRunSummary> RunAsync(TaskOrchestrationContext context, BackupRequest input)
    {
        var backupId = input.BackupId ?? BackupFlow.NewBackupId(context);
        var status = new BackupStatus { BackupId = backupId, Database = input.Database };
        context.SetCustomStatus(status);
        StagedArtifact staged;
        PreflightResult preflight;
        try
        {
            preflight = await context.CallActivityAsync<PreflightResult>(nameof(PreflightSource),
                new PreflightRequest(input.Database, BackupKinds.Full, null, input.Targets), retries.Default);
            status.Database = preflight.Database;
            status.Step = "dump";
            context.SetCustomStatus(status);
            staged = await context.CallActivityAsync<StagedArtifact>(nameof(DumpCompressEncrypt),
                new DumpRequest(backupId, context.CurrentUtcDateTime, preflight.Database) { Kind = BackupKind.Full }, retries.Default);
        }
        catch (TaskFailedException e)
        {
            await BackupFlow.FailBeforeUploadAsync(context, retries, status, BackupKinds.Full, input.Database, e);
            throw;
        }

        var summary = await BackupFlow.DistributeAsync(context, retries, staged, preflight.Targets, status);
        return BackupFlow.ThrowIfFailed(summary);
    }
}
