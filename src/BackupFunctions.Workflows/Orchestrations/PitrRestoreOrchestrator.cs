using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Pitr;
using Microsoft.DurableTask;

namespace BackupFunctions.Workflows.Orchestrations;

/// <summary>
/// A point-in-time restore into a new data directory on the worker's machine (POST /api/restores/pitr): choose the base
/// backup before the target, lay it down, write the recovery settings, start the server and wait until it promoted, verify.
/// The custom status names the step running; a failed step fails the run with "step N (Name): reason". Bad input
/// (no base backup before the target, a directory that is not empty, recovery that stopped short) is not retried.
/// Self-hosted only: a Function App has no data directory to restore into and cannot keep a server running.
/// </summary>
[DurableTask(OrchestrationNames.PitrRestore)]
[SelfHostedOnly]
public sealed class PitrRestoreOrchestrator(WorkflowRetries retries) : TaskOrchestrator<PointInTimeRestoreRequest, PitrRestoreRunSummary>
{
    public override async Task<PitrRestoreRunSummary> RunAsync(TaskOrchestrationContext context, PointInTimeRestoreRequest input)
    {
        // The starter validated these; a request that still lacks them fails here instead of half-way.
        if (!PitrTargetTime.TryParse(input.TargetTime, out var target) || input.DataDirectory is not { } directory || input.Port is not { } port || input.Cluster is not { } cluster)
            throw new ArgumentException("A PITR restore needs cluster, targetTime, dataDirectory and port (POST /api/restores/pitr fills in the cluster).");

        var chosen = await StepAsync<ChoosePitrBaseBackupResult>(context, 1, PitrTargetTime.Describe(target),
            nameof(ChoosePitrBaseBackup), new ChoosePitrBaseBackupRequest(cluster, target));
        var laid = await StepAsync<LayDownBaseBackupResult>(context, 2, $"{chosen.BackupId} into {directory}",
            nameof(LayDownBaseBackup), new LayDownBaseBackupRequest(chosen.BackupId, directory));
        await StepAsync<WriteRecoverySettingsResult>(context, 3, PitrTargetTime.Describe(target),
            nameof(WriteRecoverySettings), new WriteRecoverySettingsRequest(directory, target));
        var recovered = await StepAsync<StartRecoveryServerResult>(context, 4, $"127.0.0.1:{port}",
            nameof(StartRecoveryServer), new StartRecoveryServerRequest(directory, port, chosen.ServerMajor));
        var verified = await StepAsync<VerifyPitrRestoreResult>(context, 5, $"127.0.0.1:{port}",
            nameof(VerifyPitrRestore), new VerifyPitrRestoreRequest(directory, port, target, chosen.ServerMajor, input.StopAfter));

        context.SetCustomStatus(new PitrRestoreProgress("done", PitrRestoreProgress.Steps.Count + 1,
            $"{laid.DataDirectory} on 127.0.0.1:{port}, last replayed commit {verified.LastReplayedTransaction:O}, timeline {verified.Timeline}"));
        return new PitrRestoreRunSummary(cluster, chosen.BackupId, laid.ServedBy, target, laid.DataDirectory, port, verified.LastReplayedTransaction,
            verified.Timeline, verified.Database, verified.RowCounts, verified.Stopped, laid.Seconds, recovered.Seconds);
    }

    private async Task<T> StepAsync<T>(TaskOrchestrationContext context, int number, string detail, string activity, object request)
    {
        context.SetCustomStatus(new PitrRestoreProgress(activity, number, detail));
        try
        {
            return await context.CallActivityAsync<T>(activity, request, retries.Default);
        }
        catch (TaskFailedException e)
        {
            var reason = e.FailureDetails.ErrorMessage;
            context.SetCustomStatus(new PitrRestoreProgress("failed", number, detail, reason));
            throw new PitrRestoreFailedException($"step {number} ({activity}): {reason}");
        }
    }
}
