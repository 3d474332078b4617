using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Targets;

namespace BackupFunctions.Workflows.Catalog;

/// <summary>
/// Reads the catalog from the targets' manifests alone: what a disaster recovery has when the
/// control database is gone. A target that cannot be read, or a damaged manifest, is reported as a
/// warning and the others still count.
/// </summary>
public static class TargetCatalogReader
{
    public static async Task<TargetCatalog> ReadAsync(IEnumerable<IBackupTarget> targets, string? database = null, CancellationToken ct = default)
    {
        var prefix = database is null ? ObjectKeys.Root + "/" : ObjectKeys.DatabasePrefix(database);
        var byId = new Dictionary<string, (BackupManifest Manifest, List<string> FoundIn)>(StringComparer.Ordinal);
        var warnings = new List<string>();
        foreach (var target in targets)
        {
            try
            {
                await foreach (var obj in target.ListAsync(prefix, ct).ConfigureAwait(false))
                {
                    if (!ObjectKeys.IsManifestKey(obj.Key))
                    {
                        continue;
                    }

                    var manifest = await TryReadAsync(target, obj.Key, warnings, ct).ConfigureAwait(false);
                    if (manifest is null)
                    {
                        continue;
                    }

                    if (byId.TryGetValue(manifest.BackupId, out var known))
                    {
                        known.FoundIn.Add(target.Name);
                        // Manifests are rewritten as copies get verified; the one that knows most copies wins.
                        if (manifest.Copies.Count(c => c.Verified) > known.Manifest.Copies.Count(c => c.Verified))
                        {
                            byId[manifest.BackupId] = (manifest, known.FoundIn);
                        }
                    }
                    else
                    {
                        byId[manifest.BackupId] = (manifest, [target.Name]);
                    }
                }
            }
            catch (TargetException e)
            {
                warnings.Add($"Target '{target.Name}' could not be listed: {e.Message}");
            }
        }

        var entries = byId.Values
            .Select(v => new CatalogEntry(v.Manifest, v.FoundIn))
            .OrderByDescending(e => e.Manifest.CreatedAt)
            .ThenByDescending(e => e.BackupId, StringComparer.Ordinal)
            .ToList();
        return new TargetCatalog(entries, warnings);
    }

    private static async Task<BackupManifest?> TryReadAsync(IBackupTarget target, string key, List<string> warnings, CancellationToken ct)
    {
        try
        {
            await using var stream = await target.OpenReadAsync(key, ct: ct).ConfigureAwait(false);
            return await ManifestSerializer.DeserializeAsync(stream, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TargetException or FormatException or System.Text.Json.JsonException or InvalidDataException)
        {
            warnings.Add($"Manifest '{key}' in target '{target.Name}' is unreadable and was skipped: {e.Message}");
            return null;
        }
    }
}
