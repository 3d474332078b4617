using BackupFunctions.Targets;
using BackupFunctions.Workflows.Catalog;

namespace BackupFunctions.Workflows.Restore;

/// <summary>Which targets a restore reads a backup from, in the order it tries them.</summary>
internal static class RestoreCandidates
{
    /// <summary>Targets with a verified copy first (in configured order), then any other target that has the manifest.</summary>
    public static IEnumerable<IBackupTarget> For(BackupEnvironment env, CatalogEntry entry)
    {
        var verified = entry.VerifiedTargets;
        var ordered = env.Targets.Where(t => verified.Contains(t.Name, StringComparer.OrdinalIgnoreCase))
            .Concat(env.Targets.Where(t => !verified.Contains(t.Name, StringComparer.OrdinalIgnoreCase)
                && entry.Manifest.Copies.Any(c => c.Target.Equals(t.Name, StringComparison.OrdinalIgnoreCase))));
        return ordered.Distinct();
    }
}
