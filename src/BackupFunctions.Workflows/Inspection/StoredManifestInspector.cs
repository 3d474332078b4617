using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Catalog;

namespace BackupFunctions.Workflows.Inspection;

/// <summary>
/// Reads a backup's manifest.json from one target and checks it as a restore would (<see cref="ManifestReader"/>: size,
/// parse, validation, signature; then <see cref="TargetCatalogReader"/>'s place checks and the integrity check's match with
/// the catalog). Read-only: nothing is repaired or rewritten here; the integrity check does that.
/// </summary>
public static class StoredManifestInspector
{
    public static async Task<StoredManifestReport> InspectAsync(BackupEnvironment env, CatalogBackup backup, string targetName, CancellationToken ct = default)
    {
        var key = ManifestKey(backup);
        var target = env.Targets.FirstOrDefault(t => string.Equals(t.Name, targetName, StringComparison.Ordinal));
        if (target is null)
        {
            var names = string.Join(", ", env.Targets.Select(t => $"'{t.Name}'"));
            return Failed(StoredManifestOutcome.UnknownTarget, backup, targetName, key, $"No target is named '{targetName}'. The configured targets are {names}.");
        }

        TrustedManifest read;
        try
        {
            await using var stream = await target.OpenReadAsync(key, null, ct).ConfigureAwait(false);
            read = await ManifestReader.ReadAsync(stream, env.Keys, ct).ConfigureAwait(false);
        }
        catch (TargetNotFoundException)
        {
            return Failed(StoredManifestOutcome.Missing, backup, targetName, key,
                $"Target '{targetName}' has no manifest.json at '{key}'. Its copy cannot be restored without it; the integrity check copies it back from another target that holds a good one.");
        }
        catch (InvalidManifestException e)
        {
            return Failed(StoredManifestOutcome.Damaged, backup, targetName, key,
                $"The manifest.json of target '{targetName}' at '{key}' is damaged and a restore would refuse it: {e.Message}") with { Forged = e.Forged };
        }
        catch (TargetException e)
        {
            return Failed(StoredManifestOutcome.Unreachable, backup, targetName, key, $"Target '{targetName}' could not be read: {e.Message}");
        }

        var manifest = read.Manifest;
        var mismatch = Mismatch(manifest, backup, key);
        return new StoredManifestReport(StoredManifestOutcome.Read, backup.BackupId, targetName, key, read.Signed, mismatch is null, mismatch,
            manifest with { GlobalsArtifact = null });
    }

    /// <summary>The copy's folder when the catalog knows it (its artifact key's), else where the writer puts it.</summary>
    private static string ManifestKey(CatalogBackup backup)
    {
        var artifact = backup.Copies.Select(c => c.ObjectKey).FirstOrDefault(k => k.EndsWith("/" + ObjectKeys.ArtifactFileName, StringComparison.Ordinal));
        return artifact is not null
            ? artifact[..^ObjectKeys.ArtifactFileName.Length] + ObjectKeys.ManifestFileName
            : ObjectKeys.For(backup.Database ?? "_" + backup.Kind.ToLowerInvariant(), backup.CreatedAt, backup.BackupId).Manifest;
    }

    /// <summary>Why a manifest that verified still does not describe this backup (copied from elsewhere), or null.</summary>
    private static string? Mismatch(BackupManifest manifest, CatalogBackup backup, string key)
    {
        var place = ObjectKeys.For(manifest);
        if (!string.Equals(place.Manifest, key, StringComparison.Ordinal))
            return $"It describes backup '{manifest.BackupId}', whose manifest belongs at '{place.Manifest}': it was copied or moved here.";
        if (!string.Equals(place.Artifact, manifest.ArtifactKey, StringComparison.Ordinal))
            return $"Its artifactKey '{manifest.ArtifactKey}' is not its backup's artifact '{place.Artifact}'.";
        if (!string.Equals(manifest.BackupId, backup.BackupId, StringComparison.Ordinal)
            || !string.Equals(manifest.StoredSha256, backup.StoredSha256, StringComparison.OrdinalIgnoreCase))
            return $"It describes backup {manifest.BackupId} with SHA-256 {manifest.StoredSha256}; the catalog has {backup.BackupId} with {backup.StoredSha256}.";
        return null;
    }

    private static StoredManifestReport Failed(StoredManifestOutcome outcome, CatalogBackup backup, string target, string key, string problem) =>
        new(outcome, backup.BackupId, target, key, Signed: false, Valid: false, problem, Manifest: null);
}
