using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Pitr;
using Microsoft.DurableTask;

namespace BackupFunctions.Workflows.Orchestrations;

/// <summary>
/// A base backup for point-in-time recovery, then (with <c>Pitr:KeepBaseBackups</c> set) WAL-aware retention on every
/// WAL target at once. A failed base backup is a critical alert (without a recent one, recovery replays ever more WAL)
/// and runs no retention; one that missed a target is a warning. Retention that fails or is blocked on a target is a
/// warning for that target; the others proceed. Dedupe keys are per cluster (and target), so a failing schedule
/// refreshes one alert instead of adding one a run.
/// </summary>
[DurableTask(OrchestrationNames.BaseBackup)]
public sealed class BaseBackupOrchestrator(BackupFunctionsOptions options, WorkflowRetries retries) : TaskOrchestrator<BaseBackupRequest?, BaseBackupRunSummary>
{
    public override async Task<BaseBackupRunSummary> RunAsync(TaskOrchestrationContext context, BaseBackupRequest? input)
    {
        var cluster = options.Pitr.Cluster;
        var dedupe = $"pitr:basebackup:{cluster}";
        context.SetCustomStatus(new { step = "basebackup", cluster });
        TakeBaseBackupResult result;
        try
        {
            result = await context.CallActivityAsync<TakeBaseBackupResult>(nameof(TakeBaseBackup), new TakeBaseBackupRequest(cluster), retries.Default);
        }
        catch (TaskFailedException e)
        {
            context.SetCustomStatus(new { step = "failed", cluster, error = e.FailureDetails.ErrorMessage });
            await context.CallActivityAsync<long>(nameof(RaiseAlert), new AlertRequest("critical", "pitr.basebackup.failed",
                $"The base backup of cluster '{cluster}' failed: {e.FailureDetails.ErrorMessage}", dedupe), retries.Default);
            throw;
        }

        if (!result.Complete)
        {
            await context.CallActivityAsync<long>(nameof(RaiseAlert), new AlertRequest("warning", "pitr.basebackup.partial",
                $"Base backup {result.BackupId} of cluster '{cluster}' is missing from some WAL targets: {string.Join("; ", result.Failures)}", dedupe), retries.Default);
        }

        var retention = options.Pitr.KeepBaseBackups > 0 ? await RetainAsync(context, cluster) : [];
        context.SetCustomStatus(new { step = "done", cluster, result.BackupId, result.Targets });
        return new BaseBackupRunSummary(result, retention);
    }

    private async Task<IReadOnlyList<PitrRetentionResult>> RetainAsync(TaskOrchestrationContext context, string cluster)
    {
        var targets = options.Pitr.WalTargets.Count > 0 ? options.Pitr.WalTargets : options.Targets.Select(t => t.Name).ToList();
        context.SetCustomStatus(new { step = "retention", cluster, targets });
        var results = await Task.WhenAll(targets.Select(async target =>
        {
            string? problem;
            PitrRetentionResult? done = null;
            try
            {
                done = await context.CallActivityAsync<PitrRetentionResult>(nameof(ApplyPitrRetention), new PitrRetentionRequest(target), retries.Default);
                problem = done.Plan.Blocked;
            }
            catch (TaskFailedException e)
            {
                problem = $"PITR retention on '{target}' failed: {e.FailureDetails.ErrorMessage}";
            }

            if (problem is not null)
            {
                await context.CallActivityAsync<long>(nameof(RaiseAlert), new AlertRequest("warning", "pitr.retention.failed", problem,
                    $"pitr:retention:{cluster}:{target}"), retries.Default);
            }

            return done;
        }));
        return results.OfType<PitrRetentionResult>().ToList();
    }
}
