using Microsoft.DurableTask;
using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Operations;

namespace BackupFunctions.Workflows.Orchestrations;

/// <summary>
/// Re-reads every copy of the recent backups from its target and compares the SHA-256 with the
/// manifest, all copies at once. A mismatch is a critical alert (the copy is damaged); an
/// unreachable target is a warning. Nothing is deleted or rewritten.
/// </summary>
[DurableTask(OrchestrationNames.VerifyIntegrity)]
public sealed class VerifyIntegrityOrchestrator(WorkflowRetries retries) : TaskOrchestrator<VerifyIntegrityRequest, IntegritySummary>
{
    public override async Task<IntegritySummary> RunAsync(TaskOrchestrationContext context, VerifyIntegrityRequest input)
    {
        input ??= new VerifyIntegrityRequest();
        context.SetCustomStatus(new { step = "list" });
        var backups = await context.CallActivityAsync<IReadOnlyList<ResolvedBackup>>(nameof(ListRecentBackups), input, retries.Default);
        var checks = backups
            .SelectMany(b => b.Manifest.Copies.Where(c => c.Verified).Select(c => (Backup: b.Manifest, Copy: c)))
            .ToList();
        context.SetCustomStatus(new { step = "verify", copies = checks.Count });
        var results = await Task.WhenAll(checks.Select(async c =>
        {
            try
            {
                var v = await context.CallActivityAsync<CopyVerification>(nameof(VerifyChecksum),
                    new VerifyChecksumRequest(c.Copy.Target, c.Backup.ArtifactKey, c.Backup.StoredSha256), retries.Default);
                return (c.Backup.BackupId, c.Copy.Target, Reached: true, v.Verified, v.Error);
            }
            catch (TaskFailedException e)
            {
                return (c.Backup.BackupId, c.Copy.Target, Reached: false, Verified: false, Error: (string?)e.FailureDetails.ErrorMessage);
            }
        }));

        foreach (var r in results)
        {
            await context.CallActivityAsync<bool>(nameof(RecordVerification), new RecordVerificationRequest(r.BackupId, r.Target, r.Verified, r.Error), retries.Default);
            if (!r.Verified)
            {
                var (severity, code) = r.Reached ? ("critical", "integrity.mismatch") : ("warning", "integrity.unreachable");
                await context.CallActivityAsync<long>(nameof(RaiseAlert), new AlertRequest(severity, code,
                    $"Copy of backup {r.BackupId} in target '{r.Target}': {r.Error}", $"{code}:{r.BackupId}:{r.Target}"), retries.Default);
            }
        }

        var summary = new IntegritySummary(results.Length, results.Count(r => r.Verified),
            results.Where(r => r.Reached && !r.Verified).Select(r => $"{r.BackupId}@{r.Target}").ToList(),
            results.Where(r => !r.Reached).Select(r => $"{r.BackupId}@{r.Target}").ToList());
        context.SetCustomStatus(new { step = "done", summary.CopiesChecked, summary.Intact });
        return summary;
    }
}
