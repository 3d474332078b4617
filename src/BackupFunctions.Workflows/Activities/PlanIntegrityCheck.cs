using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Integrity;
using BackupFunctions.Workflows.Models;

namespace BackupFunctions.Workflows.Activities;

/// <param name="FullReads">Copies to read back whole this run.</param>
/// <param name="StatOnly">Copies to give the cheap check (a suspicious one is then read whole).</param>
public sealed record IntegrityPlan(IReadOnlyList<CopyToCheck> FullReads, IReadOnlyList<CopyToCheck> StatOnly, int TotalCopies, int SliceSize, int RunsPerPeriod);

/// <summary>
/// Picks this run's copies from the catalog (<see cref="IntegrityRotation"/>): the clock and the catalog are read here,
/// in an activity, so the orchestration replays the same plan.
/// </summary>
public sealed class PlanIntegrityCheck(IBackupCatalog catalog, BackupFunctionsOptions options, ActivityLimits limits)
    : BoundedActivity<VerifyIntegrityRequest, IntegrityPlan>(limits)
{
    protected override async Task<IntegrityPlan> RunAsync(ActivityRun context, VerifyIntegrityRequest input)
    {
        var all = await catalog.ListCopiesForIntegrityAsync(context.CancellationToken);
        var byBackup = all.ToLookup(c => c.BackupId);
        CopyToCheck ToCheck(CatalogCopyState c) => new(c.BackupId, c.Target, c.ObjectKey, ManifestKeyOf(c.ObjectKey), c.StoredSha256, c.StoredBytes,
            c.Fingerprint, c.MarkedCorrupt, byBackup[c.BackupId].Where(o => o.Target != c.Target && o.Verified).Select(o => o.Target).ToList());

        if (input.BackupId is { } id)
        {
            var copies = all.Where(c => c.BackupId == id).Select(ToCheck).ToList();
            if (copies.Count == 0)
            {
                throw new NonRetryableTaskException($"The catalog has no verified copy of backup '{id}' to check; see GET /api/backups for the ids.");
            }

            return new IntegrityPlan(copies, [], copies.Count, copies.Count, 1);
        }

        var plan = IntegrityRotation.Plan(all, DateTimeOffset.UtcNow, options.Integrity);
        return new IntegrityPlan(plan.FullReads.Select(ToCheck).ToList(), options.Integrity.StatOthers ? plan.Others.Select(ToCheck).ToList() : [],
            all.Count, plan.SliceSize, plan.RunsPerPeriod);
    }

    /// <summary>manifest.json sits beside artifact.bfa (<see cref="Pipeline.Manifests.ObjectKeys"/>).</summary>
    internal static string ManifestKeyOf(string artifactKey)
    {
        var slash = artifactKey.LastIndexOf('/');
        return (slash < 0 ? "" : artifactKey[..(slash + 1)]) + Pipeline.Manifests.ObjectKeys.ManifestFileName;
    }
}
