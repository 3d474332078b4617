using Microsoft.DurableTask;
using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Integrity;
using BackupFunctions.Workflows.Models;

namespace BackupFunctions.Workflows.Orchestrations;

/// <summary>
/// The integrity check (docs/integrity.md). Reads back whole this run's slice of the stored copies (every copy within
/// the configured period, oldest first) and gives the others a cheap stat check, reading whole any that looks wrong.
/// A damaged copy (wrong bytes, missing artifact, missing or invalid manifest) is marked corrupt in the catalog and
/// raises a critical alert (one per copy, key <c>copy:{backupId}:{target}</c>); when another target's copy is confirmed
/// intact by a full read, the damaged object is removed, copied again from it, verified, and the alert resolved.
/// Without such a copy nothing is deleted or rewritten and the alert stays. An unreachable target is a warning, not damage.
/// </summary>
[DurableTask(OrchestrationNames.VerifyIntegrity)]
public sealed class VerifyIntegrityOrchestrator(WorkflowRetries retries) : TaskOrchestrator<VerifyIntegrityRequest, IntegritySummary>
{
    public const string CorruptCode = "integrity.corrupt";
    public const string UnreachableCode = "integrity.unreachable";

    public override async Task<IntegritySummary> RunAsync(TaskOrchestrationContext context, VerifyIntegrityRequest input)
    {
        input ??= new VerifyIntegrityRequest();
        if (input.BackupId is null)
        {
            await CheckSchedulesAndUsageAsync(context);
        }

        context.SetCustomStatus(new { step = "plan" });
        var plan = await context.CallActivityAsync<IntegrityPlan>(nameof(PlanIntegrityCheck), input, retries.Default);

        context.SetCustomStatus(new { step = "stat", copies = plan.StatOnly.Count });
        var stats = await Task.WhenAll(plan.StatOnly.Select(c => TryCheckAsync(context, c, fullRead: false)));
        var unreachable = new List<(CopyToCheck Copy, string Error)>();
        var toRead = plan.FullReads.ToList();
        foreach (var (copy, stat) in plan.StatOnly.Zip(stats))
        {
            if (stat.Result is null) unreachable.Add((copy, stat.Error!));
            else if (stat.Result.Suspicion is not null) toRead.Add(copy);
        }

        context.SetCustomStatus(new { step = "read", copies = toRead.Count, plan.SliceSize });
        var reads = await Task.WhenAll(toRead.Select(c => TryCheckAsync(context, c, fullRead: true)));
        var damagedHere = toRead.Zip(reads).Where(p => p.Second.Result is { Corrupt: true }).Select(p => (p.First.BackupId, p.First.Target)).ToHashSet();
        var intactHere = toRead.Zip(reads).Where(p => p.Second.Result is { Intact: true }).Select(p => (p.First.BackupId, p.First.Target)).ToHashSet();

        var intact = 0;
        var damaged = new List<string>();
        var repaired = new List<string>();
        var notRepaired = new List<string>();
        foreach (var (copy, read) in toRead.Zip(reads))
        {
            if (read.Result is not { } result)
            {
                unreachable.Add((copy, read.Error!));
                continue;
            }

            if (result.Intact)
            {
                intact++;
                await context.CallActivityAsync<bool>(nameof(RecordCopyCheck), new RecordCopyCheckRequest(copy.BackupId, copy.Target, true, null, result.Fingerprint), retries.Default);
                if (copy.MarkedCorrupt)
                {
                    await context.CallActivityAsync<int>(nameof(ResolveAlert), new ResolveAlertRequest(copy.AlertKey, "the copy read back intact"), retries.Default);
                }

                continue;
            }

            damaged.Add($"{copy.BackupId}@{copy.Target}");
            context.SetCustomStatus(new { step = "repair", copy = $"{copy.BackupId}@{copy.Target}" });
            await context.CallActivityAsync<bool>(nameof(RecordCopyCheck), new RecordCopyCheckRequest(copy.BackupId, copy.Target, false, result.Problem, null), retries.Default);
            await RaiseCorruptAsync(context, copy, $"Copy of backup {copy.BackupId} in target '{copy.Target}' is damaged: {result.Problem} Repairing it from another target.");
            var sources = copy.OtherTargets.Where(t => !damagedHere.Contains((copy.BackupId, t))).ToList();
            var outcome = await RepairAsync(context, copy, result, sources, intactHere);
            if (outcome.Source is { } source)
            {
                intact++;
                repaired.Add($"{copy.BackupId}@{copy.Target}");
                await context.CallActivityAsync<bool>(nameof(RecordCopyCheck), new RecordCopyCheckRequest(copy.BackupId, copy.Target, true, null, outcome.Fingerprint), retries.Default);
                await context.CallActivityAsync<int>(nameof(ResolveAlert),
                    new ResolveAlertRequest(copy.AlertKey, $"repaired from target '{source}' and verified by instance {context.InstanceId}"), retries.Default);
            }
            else
            {
                notRepaired.Add($"{copy.BackupId}@{copy.Target}: {outcome.Reason}");
                await RaiseCorruptAsync(context, copy, $"Copy of backup {copy.BackupId} in target '{copy.Target}' is damaged: {result.Problem} NOT repaired: {outcome.Reason}");
            }
        }

        foreach (var (copy, error) in unreachable)
        {
            await context.CallActivityAsync<long>(nameof(RaiseAlert), new AlertRequest("warning", UnreachableCode,
                $"Copy of backup {copy.BackupId} in target '{copy.Target}' could not be checked: {error}", $"{UnreachableCode}:{copy.BackupId}:{copy.Target}"), retries.Default);
        }

        var summary = new IntegritySummary(toRead.Count, intact, damaged, unreachable.Select(u => $"{u.Copy.BackupId}@{u.Copy.Target}").ToList())
        {
            Repaired = repaired,
            NotRepaired = notRepaired,
            StatChecked = plan.StatOnly.Count,
            SliceSize = plan.SliceSize,
        };
        context.SetCustomStatus(new { step = "done", summary.CopiesChecked, summary.Intact, damaged = damaged.Count, repaired = repaired.Count });
        return summary;
    }

    /// <summary>
    /// The dead-man check of the schedules and the target-usage check ride on the hourly run, so a schedule that stops
    /// firing is still noticed. They are not this run's purpose: a failure of either is in the instance history, and
    /// the integrity check goes on.
    /// </summary>
    private async Task CheckSchedulesAndUsageAsync(TaskOrchestrationContext context)
    {
        context.SetCustomStatus(new { step = "schedules" });
        try
        {
            await context.CallActivityAsync<CheckSchedulesResult>(nameof(CheckSchedules), new CheckSchedulesRequest(), retries.Default);
        }
        catch (TaskFailedException)
        {
            // The next hourly run checks again.
        }

        context.SetCustomStatus(new { step = "usage" });
        try
        {
            await context.CallActivityAsync<CheckTargetUsageResult>(nameof(CheckTargetUsage), new CheckTargetUsageRequest(), retries.Default);
        }
        catch (TaskFailedException)
        {
            // As above.
        }
    }

    private Task<long> RaiseCorruptAsync(TaskOrchestrationContext context, CopyToCheck copy, string message) =>
        context.CallActivityAsync<long>(nameof(RaiseAlert), new AlertRequest("critical", CorruptCode, message, copy.AlertKey), retries.Default);

    /// <summary>
    /// Finds a source whose copy reads back intact (artifact and manifest), then replaces only the damaged parts from it
    /// and reads the repaired copy back. Nothing is deleted before a source is confirmed.
    /// </summary>
    private async Task<RepairOutcome> RepairAsync(TaskOrchestrationContext context, CopyToCheck copy, CopyInspectionResult damage,
        IReadOnlyList<string> sources, IReadOnlySet<(string, string)> intactHere)
    {
        if (sources.Count == 0)
        {
            return new RepairOutcome(null, null, "no other target holds a verified copy of this backup; restore it from elsewhere or take a new backup.");
        }

        var reasons = new List<string>();
        foreach (var source in sources)
        {
            if (!intactHere.Contains((copy.BackupId, source)))
            {
                var confirm = await TryCheckAsync(context, copy with { Target = source, Fingerprint = null, MarkedCorrupt = false }, fullRead: true);
                if (confirm.Result is not { Intact: true })
                {
                    reasons.Add($"'{source}' is not a good source ({confirm.Result?.Problem ?? confirm.Error})");
                    continue;
                }
            }

            try
            {
                if (damage.ArtifactProblem is not null)
                {
                    await context.CallActivityAsync<bool>(nameof(RemoveDamagedObject), new RemoveDamagedObjectRequest(copy.Target, copy.ArtifactKey, source, copy.StoredBytes), retries.Default);
                    await context.CallActivityAsync<Operations.CopyOutcome>(nameof(UploadArtifact),
                        new UploadRequest(copy.Target, "", copy.ArtifactKey, source, copy.StoredBytes), retries.Upload);
                    var verified = await context.CallActivityAsync<Operations.CopyVerification>(nameof(VerifyChecksum),
                        new VerifyChecksumRequest(copy.Target, copy.ArtifactKey, copy.StoredSha256), retries.Default);
                    if (!verified.Verified)
                    {
                        reasons.Add($"the copy from '{source}' did not verify: {verified.Error}");
                        continue;
                    }
                }

                if (damage.ManifestProblem is not null)
                {
                    await context.CallActivityAsync<bool>(nameof(RemoveDamagedObject), new RemoveDamagedObjectRequest(copy.Target, copy.ManifestKey, source, 0), retries.Default);
                    await context.CallActivityAsync<bool>(nameof(CopyManifest),
                        new CopyManifestRequest(copy.Target, source, copy.ManifestKey, copy.BackupId, copy.StoredSha256), retries.Default);
                }
            }
            catch (TaskFailedException e)
            {
                reasons.Add($"repair from '{source}' failed: {e.FailureDetails.ErrorMessage}");
                continue;
            }

            var after = await TryCheckAsync(context, copy, fullRead: true);
            if (after.Result is { Intact: true } good)
            {
                return new RepairOutcome(source, good.Fingerprint, null);
            }

            reasons.Add($"after the repair from '{source}' the copy still reads wrong ({after.Result?.Problem ?? after.Error})");
        }

        return new RepairOutcome(null, null, string.Join("; ", reasons));
    }

    private async Task<(CopyInspectionResult? Result, string? Error)> TryCheckAsync(TaskOrchestrationContext context, CopyToCheck copy, bool fullRead)
    {
        try
        {
            return (await context.CallActivityAsync<CopyInspectionResult>(nameof(CheckCopy), new CheckCopyRequest(copy, fullRead), retries.Default), null);
        }
        catch (TaskFailedException e)
        {
            return (null, e.FailureDetails.ErrorMessage);
        }
    }

    private sealed record RepairOutcome(string? Source, string? Fingerprint, string? Reason);
}
