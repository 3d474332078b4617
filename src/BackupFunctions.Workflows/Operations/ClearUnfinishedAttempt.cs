using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Targets;

namespace BackupFunctions.Workflows.Operations;

/// <summary>
/// Before a dump streams a backup's artifact to its targets: removes an artifact that an earlier attempt of
/// the same dump committed under this backup's key but never reported (its host was killed after the commit,
/// so the durable engine runs the activity again). The new attempt's bytes differ (a fresh data key), and a
/// put never replaces an object, so without this every copy of the re-run would be refused.
/// </summary>
/// <remarks>
/// This is safe because the id is minted by this backup's own orchestration and a backup exists only once
/// its manifest is written, after the artifact verified: an artifact with no manifest beside it is an
/// unfinished write that nothing lists, restores or counts. An artifact with a manifest beside it is a
/// published backup and is never touched: the dump refuses to run instead.
/// </remarks>
public static class ClearUnfinishedAttempt
{
    /// <returns>The names of the targets an unfinished artifact was removed from.</returns>
    public static async Task<IReadOnlyList<string>> RunAsync(IReadOnlyList<IBackupTarget> targets, string backupId, BackupObjectKeys keys, CancellationToken ct)
    {
        var cleared = new List<string>();
        foreach (var target in targets)
        {
            bool artifact, manifest;
            try
            {
                artifact = await target.StatAsync(keys.Artifact, ct).ConfigureAwait(false) is not null;
                manifest = artifact && await target.StatAsync(keys.Manifest, ct).ConfigureAwait(false) is not null;
            }
            catch (TargetException)
            {
                // A target that is down now fails its own copy later, where it is reported; it must not fail the dump.
                continue;
            }

            if (!artifact)
            {
                continue;
            }

            if (manifest)
            {
                throw new InvalidOperationException(
                    $"Backup {backupId} is already published in target '{target.Name}' ({keys.Manifest}). A backup id is used once, " +
                    "so this dump will not write it again; start a new backup.");
            }

            try
            {
                await target.DeleteAsync(keys.Artifact, ct).ConfigureAwait(false);
                cleared.Add(target.Name);
            }
            catch (TargetException)
            {
                // Left in place: that target's copy of this run is then refused as taken, and reported as failed.
            }
        }

        return cleared;
    }
}
