using Microsoft.DurableTask;
using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Alerts;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Models;

namespace BackupFunctions.Workflows.Orchestrations;

/// <summary>Resolve → restore → (drop scratch) → record → alert: shared by restores and test restores.</summary>
internal static class RestoreFlow
{
    public static async Task<RestoreRunSummary> RunAsync(TaskOrchestrationContext context, WorkflowRetries retries, RestoreRequest input, string kind, bool dropAfter)
    {
        var started = context.CurrentUtcDateTime;
        context.SetCustomStatus(new { step = "resolve", input.BackupId });
        ResolvedBackup backup;
        try
        {
            backup = await context.CallActivityAsync<ResolvedBackup>(nameof(ResolveBackup), input, retries.Default);
        }
        catch (TaskFailedException e)
        {
            await AlertAsync(context, retries, kind, input.BackupId, e.FailureDetails.ErrorMessage);
            throw;
        }

        var request = new RestoreBackupRequest(backup, input);
        context.SetCustomStatus(new { step = "restore", backup.Manifest.BackupId, from = backup.FoundIn });
        RestoreRunSummary summary;
        try
        {
            summary = await context.CallActivityAsync<RestoreRunSummary>(nameof(RestoreBackup), request, retries.Default);
        }
        catch (TaskFailedException e)
        {
            summary = new RestoreRunSummary(backup.Manifest.BackupId, "", false, null, 0, 0, [], false, 0, e.FailureDetails.ErrorMessage);
        }

        if (dropAfter)
        {
            context.SetCustomStatus(new { step = "drop scratch", backup.Manifest.BackupId });
            var dropped = await context.CallActivityAsync<bool>(nameof(DropScratchDatabase), request, retries.Default);
            summary = summary with { ScratchDropped = dropped };
        }

        await context.CallActivityAsync<long>(nameof(RecordRestore), new CatalogRestore(0, summary.BackupId, kind, summary.TargetDatabase,
            summary.ServedBy, summary.Succeeded, started, context.CurrentUtcDateTime, summary.Error, context.InstanceId), retries.Default);
        if (!summary.Succeeded)
        {
            await AlertAsync(context, retries, kind, summary.BackupId, summary.Error ?? string.Join("; ", summary.Mismatches));
            throw new InvalidOperationException($"{(kind == "test" ? "Test restore" : "Restore")} of {summary.BackupId} failed: {summary.Error}");
        }

        await context.CallActivityAsync<int>(nameof(ResolveAlert), new ResolveAlertRequest(AlertKeys.Restore(kind),
            $"{(kind == "test" ? "test restore" : "restore")} of {summary.BackupId} succeeded"), retries.Default);
        context.SetCustomStatus(new { step = "done", summary.BackupId, summary.ServedBy, summary.TablesCompared, summary.RowsRestored });
        return summary;
    }

    private static Task<long> AlertAsync(TaskOrchestrationContext context, WorkflowRetries retries, string kind, string backupId, string message) =>
        context.CallActivityAsync<long>(nameof(RaiseAlert), new AlertRequest("critical", $"restore.{kind}.failed",
            $"{(kind == "test" ? "Test restore" : "Restore")} of backup {backupId} failed: {message}", AlertKeys.Restore(kind)), retries.Default);
}
