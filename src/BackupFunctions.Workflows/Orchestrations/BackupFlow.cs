using Microsoft.DurableTask;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Alerts;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Operations;

namespace BackupFunctions.Workflows.Orchestrations;

/// <summary>
/// The steps every backup kind shares once its artifact is staged: upload to each target at once
/// (each with its own retries) unless the dump activity already streamed the copy there, read each copy back and check its hash, copy from a verified
/// target where this host lacked the staging file, publish the manifest next to each verified copy,
/// record the catalog, clean staging, and alert on a partial or failed run.
/// </summary>
internal static class BackupFlow
{
    public static string NewBackupId(TaskOrchestrationContext context) =>
        context.CurrentUtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture)
        + "-" + context.NewGuid().ToString("N")[..8];

    /// <summary>
    /// Preflight, stage the artifact with the activity <paramref name="stage"/> names, then distribute it.
    /// A failure before any upload alerts and fails the orchestration; a run with no verified copy fails it too.
    /// </summary>
    public static async Task<BackupRunSummary> RunAsync(TaskOrchestrationContext context, WorkflowRetries retries, BackupRequest input,
        string kind, Func<string, PreflightResult, (string Activity, object Input)> stage)
    {
        // Always minted here, never taken from the input: an id is used once, and its keys are new on every target.
        var backupId = NewBackupId(context);
        var status = new BackupStatus { BackupId = backupId, Database = input.Database };
        context.SetCustomStatus(status);
        StagedArtifact staged;
        PreflightResult preflight;
        try
        {
            preflight = await context.CallActivityAsync<PreflightResult>(nameof(PreflightSource),
                new PreflightRequest(input.Database, kind, input.TenantId, input.Targets), retries.Default);
            var (activity, request) = stage(backupId, preflight);
            status.Database = kind == BackupKinds.Files ? ArchiveFilesToStaging.FilesDatabase : preflight.Database;
            status.Step = kind == BackupKinds.Files ? "archive" : "dump";
            context.SetCustomStatus(status);
            staged = await context.CallActivityAsync<StagedArtifact>(activity, request, retries.Default);
        }
        catch (TaskFailedException e)
        {
            await FailBeforeUploadAsync(context, retries, status, kind, status.Database ?? input.Database, e, input.TenantId);
            throw;
        }

        return ThrowIfFailed(await DistributeAsync(context, retries, staged, preflight.Targets, status));
    }

    public static async Task<BackupRunSummary> DistributeAsync(TaskOrchestrationContext context, WorkflowRetries retries, StagedArtifact staged,
        IReadOnlyList<string> targets, BackupStatus status)
    {
        status.Step = "upload";
        context.SetCustomStatus(status);
        var copies = (await Task.WhenAll(targets.Select(t => UploadAndVerifyAsync(context, retries, staged, t, null)))).ToList();

        // Targets this host could not feed (the staging file is on another host) are copied from a verified one.
        var source = copies.FirstOrDefault(c => c.Verified)?.Target;
        if (source is not null)
        {
            for (var i = 0; i < copies.Count; i++)
            {
                if (!copies[i].Verified && copies[i].Error?.Contains(UploadArtifact.StagingMissingMarker, StringComparison.Ordinal) == true)
                {
                    copies[i] = await UploadAndVerifyAsync(context, retries, staged, copies[i].Target, source);
                }
            }
        }

        foreach (var c in copies)
        {
            status.Targets[c.Target] = c.Verified ? "verified" : "failed: " + c.Error;
        }

        status.Step = "manifest";
        context.SetCustomStatus(status);
        var manifest = ManifestBuilder.Build(staged, copies, context.CurrentUtcDateTime, context.InstanceId);
        for (var i = 0; i < copies.Count; i++)
        {
            if (!copies[i].Verified)
            {
                continue;
            }

            try
            {
                await context.CallActivityAsync<bool>(nameof(WriteManifest), new WriteManifestRequest(copies[i].Target, manifest), retries.Default);
            }
            catch (TaskFailedException e)
            {
                copies[i] = copies[i] with { Verified = false, Error = "manifest not written: " + e.FailureDetails.ErrorMessage };
                status.Targets[copies[i].Target] = "failed: " + copies[i].Error;
            }
        }

        var good = copies.Count(c => c.Verified);
        var runStatus = good == copies.Count ? BackupRunStatus.Succeeded : good > 0 ? BackupRunStatus.Partial : BackupRunStatus.Failed;
        var error = runStatus == BackupRunStatus.Succeeded ? null
            : string.Join("; ", copies.Where(c => !c.Verified).Select(c => $"{c.Target}: {c.Error}"));

        status.Step = "catalog";
        context.SetCustomStatus(status);
        try
        {
            await context.CallActivityAsync<bool>(nameof(RecordCatalog), new RecordCatalogRequest(manifest, runStatus.ToString(), error), retries.Default);
        }
        catch (TaskFailedException e)
        {
            // The catalog stayed unreachable through every retry. The copies and their manifests are already in the
            // targets, so the backup is not lost, only unrecorded: free the staging space anyway and say how to recover.
            // No alert: alerts live in the same catalog.
            await context.CallActivityAsync<bool>(nameof(CleanupStaging), staged.BackupId, retries.Default);
            var stored = string.Join(", ", copies.Where(c => c.Verified).Select(c => c.Target));
            status.Step = "failed";
            status.Error = $"the catalog could not record the run: {e.FailureDetails.ErrorMessage}";
            context.SetCustomStatus(status);
            throw new InvalidOperationException(
                $"Backup {staged.BackupId} of {staged.Database} is {runStatus} (verified copies: {(stored.Length > 0 ? stored : "none")}), but the catalog " +
                $"could not record it: {e.FailureDetails.ErrorMessage}. Once the control database is back, run `backupctl catalog rebuild` to " +
                "list it from the manifests in the targets.", e);
        }

        await context.CallActivityAsync<bool>(nameof(CleanupStaging), staged.BackupId, retries.Default);
        // Raises a failed/partial run, resolves what a good run clears, and judges size and duration (docs/alerts.md).
        await context.CallActivityAsync<EvaluateBackupRunResult>(nameof(EvaluateBackupRun), new EvaluateBackupRunRequest(
            staged.BackupId, staged.Database, staged.Kind.ToString().ToLowerInvariant(), staged.TenantId, runStatus.ToString(), error), retries.Default);

        status.Step = runStatus.ToString().ToLowerInvariant();
        context.SetCustomStatus(status);
        return new BackupRunSummary(staged.BackupId, staged.Kind.ToString().ToLowerInvariant(), staged.Database, runStatus.ToString(),
            copies.Select(c => new CopySummary(c.Target, c.ObjectKey, c.Verified, c.Error)).ToList(), staged.Result.StoredBytes, error);
    }

    /// <summary>Alerts and fails the orchestration when a run left no verified copy (so runtimeStatus says Failed).</summary>
    public static BackupRunSummary ThrowIfFailed(BackupRunSummary summary) =>
        summary.Status == nameof(BackupRunStatus.Failed)
            ? throw new InvalidOperationException($"Backup {summary.BackupId} of {summary.Database} failed: no target holds a verified copy. {summary.Error}")
            : summary;

    public static async Task FailBeforeUploadAsync(TaskOrchestrationContext context, WorkflowRetries retries, BackupStatus status, string kind, string? database, TaskFailedException e,
        string? tenantId = null)
    {
        status.Step = "failed";
        status.Error = e.FailureDetails.ErrorMessage;
        context.SetCustomStatus(status);
        await context.CallActivityAsync<long>(nameof(RaiseAlert), new AlertRequest("critical", $"backup.failed",
            $"{kind} backup of {database ?? "the default database"} failed at {e.TaskName}: {e.FailureDetails.ErrorMessage}", AlertKeys.BackupRun(database, kind, tenantId, "Failed")), retries.Default);
    }

    private static async Task<CopyOutcome> UploadAndVerifyAsync(TaskOrchestrationContext context, WorkflowRetries retries, StagedArtifact staged, string target, string? sourceTarget)
    {
        try
        {
            var upload = sourceTarget is null && staged.StreamedTo.Contains(target)
                ? CopyOutcome.Streamed(staged, target)
                : await context.CallActivityAsync<CopyOutcome>(nameof(UploadArtifact),
                    new UploadRequest(target, staged.StagingPath, staged.Keys.Artifact, sourceTarget, staged.Result.StoredBytes), retries.Upload);
            var check = await context.CallActivityAsync<CopyVerification>(nameof(VerifyChecksum),
                new VerifyChecksumRequest(target, staged.Keys.Artifact, staged.Result.StoredSha256), retries.Default);
            return upload with { Verified = check.Verified, Error = check.Error };
        }
        catch (TaskFailedException e)
        {
            return CopyOutcome.Failed(target, staged.Keys.Artifact, e.FailureDetails.ErrorMessage, TimeSpan.Zero);
        }
    }
}
