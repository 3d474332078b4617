using BackupFunctions.Targets;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>The base backups the WAL targets hold, read from their base-manifest.json files alone.</summary>
public static class BaseBackupCatalog
{
    public static async Task<IReadOnlyList<BaseBackupManifest>> ListAsync(BackupEnvironment env, CancellationToken ct)
    {
        var cluster = env.Options.Pitr.Cluster;
        var found = new Dictionary<string, BaseBackupManifest>(StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (var target in WalTargets.Select(env))
        {
            try
            {
                await foreach (var item in target.ListAsync(PitrKeys.BasePrefix(cluster), ct))
                {
                    if (!item.Key.EndsWith("/" + PitrKeys.BaseManifestFileName, StringComparison.Ordinal)) continue;
                    await using var stream = await target.OpenReadAsync(item.Key, null, ct);
                    using var buffer = new MemoryStream();
                    await stream.CopyToAsync(buffer, ct);
                    var manifest = PitrJson.Deserialize<BaseBackupManifest>(buffer.ToArray(), $"{item.Key} in '{target.Name}'");
                    found.TryAdd(manifest.BackupId, manifest);
                }
            }
            catch (Exception e) when (e is TargetException or FormatException)
            {
                errors.Add($"{target.Name}: {e.Message}");
            }
        }

        if (found.Count == 0 && errors.Count > 0)
            throw new PitrException($"No WAL target could be listed: {string.Join("; ", errors)}");
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
