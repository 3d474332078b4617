using BackupFunctions.Targets;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>The base backups the WAL targets hold, read from their base-manifest.json files alone (signatures checked).</summary>
public static class BaseBackupCatalog
{
    public static async Task<IReadOnlyList<BaseBackupManifest>> ListAsync(BackupEnvironment env, CancellationToken ct)
    {
        var cluster = env.Options.Pitr.Cluster;
        var found = new Dictionary<string, BaseBackupManifest>(StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (var target in WalTargets.Select(env))
        {
            var keys = new List<string>();
            try
            {
                await foreach (var item in target.ListAsync(PitrKeys.BasePrefix(cluster), ct))
                {
                    if (item.Key.EndsWith("/" + PitrKeys.BaseManifestFileName, StringComparison.Ordinal)) keys.Add(item.Key);
                }
            }
            catch (TargetException e)
            {
                errors.Add($"{target.Name}: {e.Message}");
                continue;
            }

            foreach (var key in keys)
            {
                try
                {
                    await using var stream = await target.OpenReadAsync(key, null, ct);
                    using var buffer = new MemoryStream();
                    await stream.CopyToAsync(buffer, ct);
                    // A manifest that fails its signature is skipped, not fatal: another target's copy of it, or another backup, still serves.
                    var manifest = PitrSignatures.ReadBaseManifest(buffer.ToArray(), env.Keys, $"{key} in '{target.Name}'");
                    found.TryAdd(manifest.BackupId, manifest);
                }
                catch (Exception e) when (e is TargetException or FormatException)
                {
                    errors.Add(e is FormatException ? e.Message : $"{target.Name}: {key}: {e.Message}");
                }
            }
        }

        if (found.Count == 0 && errors.Count > 0)
            throw new PitrException($"No usable base backup in the WAL targets: {string.Join("; ", errors)}");
        return found.Values.OrderBy(m => m.CompletedAt).ToList();
    }

    /// <summary>The newest base backup that was complete (consistent) before <paramref name="target"/>; the newest of all for null (latest).</summary>
    public static BaseBackupManifest Choose(IReadOnlyList<BaseBackupManifest> backups, DateTimeOffset? target)
    {
        if (backups.Count == 0)
            throw new PitrException("There is no base backup in the WAL targets: take one with 'backupctl basebackup' (with WAL archiving on) first.");
        var chosen = target is null ? backups[^1] : backups.LastOrDefault(b => b.CompletedAt < target.Value);
        return chosen ?? throw new PitrException(
            $"No base backup was complete before {target:yyyy-MM-dd'T'HH:mm:ss'Z'}: the oldest, {backups[0].BackupId}, completed at " +
            $"{backups[0].CompletedAt:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}. A point before that cannot be recovered from WAL.");
    }
}
