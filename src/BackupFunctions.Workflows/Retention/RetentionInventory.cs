using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Catalog;

namespace BackupFunctions.Workflows.Retention;

/// <summary>
/// What the targets hold, as the planner needs it: one <see cref="RetentionCopy"/> per manifest found in a target,
/// with whether its artifact is there (from the same target's listing). Manifests that fail their checks are not
/// copies (retention never deletes what it cannot read); they are reported in <see cref="Warnings"/>.
/// </summary>
public sealed record RetentionInventory(IReadOnlyList<RetentionCopy> Copies, IReadOnlyList<string> Unreachable, IReadOnlyList<string> Warnings)
{
    public static async Task<RetentionInventory> ReadAsync(IReadOnlyList<IBackupTarget> targets, KeyRing keys, CancellationToken ct)
    {
        var artifacts = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        var unreachable = new List<string>();
        var warnings = new List<string>();
        foreach (var target in targets)
        {
            try
            {
                var keysHere = new HashSet<string>(StringComparer.Ordinal);
                await foreach (var obj in target.ListAsync(ObjectKeys.Root + "/", ct).ConfigureAwait(false))
                {
                    keysHere.Add(obj.Key);
                }

                artifacts[target.Name] = keysHere;
            }
            catch (TargetException e)
            {
                unreachable.Add(target.Name);
                warnings.Add($"Target '{target.Name}' could not be listed: {e.Message}");
            }
        }

        var reachable = targets.Where(t => artifacts.ContainsKey(t.Name)).ToList();
        var found = await TargetCatalogReader.ReadAsync(reachable, keys, null, ct).ConfigureAwait(false);
        warnings.AddRange(found.Warnings);
        var copies = new List<RetentionCopy>();
        foreach (var entry in found.Entries)
        {
            var m = entry.Manifest;
            var place = ObjectKeys.For(m);
            foreach (var target in entry.FoundIn)
            {
                copies.Add(new RetentionCopy(m.BackupId, target, m.Kind, m.Database, m.TenantId, m.CreatedAt)
                {
                    Verified = m.Copies.Any(c => c.Verified && string.Equals(c.Target, target, StringComparison.OrdinalIgnoreCase)),
                    ArtifactPresent = artifacts.TryGetValue(target, out var here) && here.Contains(place.Artifact),
                    ArtifactKey = place.Artifact,
                    ManifestKey = place.Manifest,
                });
            }

            // A target that could not be listed still has what the manifest says it verified there: the planner counts
            // those copies when it looks for the newest verified backup, and decides nothing about them.
            foreach (var copy in m.Copies.Where(c => c.Verified && unreachable.Contains(c.Target, StringComparer.OrdinalIgnoreCase)))
            {
                copies.Add(new RetentionCopy(m.BackupId, copy.Target, m.Kind, m.Database, m.TenantId, m.CreatedAt)
                {
                    Verified = true,
                    Unreachable = true,
                    ArtifactKey = place.Artifact,
                    ManifestKey = place.Manifest,
                });
            }
        }

        return new RetentionInventory(copies, unreachable, warnings);
    }
}
