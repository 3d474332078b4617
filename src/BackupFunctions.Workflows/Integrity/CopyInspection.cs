using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Operations;

namespace BackupFunctions.Workflows.Integrity;

/// <summary>
/// Looks at one stored copy: either cheaply (stat of the artifact and the manifest: present, the right size, unchanged
/// since the last full read) or fully (the artifact read back and hashed against the manifest's SHA-256, the manifest
/// read, validated and its signature checked). A storage failure other than "not found" propagates as
/// <see cref="TargetException"/>: nothing is known about the copy then, which is not damage.
/// </summary>
public static class CopyInspection
{
    /// <summary>Present, the stored size, and the same object as at the last good read. Suspicion only: a full read decides.</summary>
    public static async Task<CopyInspectionResult> StatAsync(IBackupTarget target, CopyToCheck copy, CancellationToken ct = default)
    {
        var artifact = await target.StatAsync(copy.ArtifactKey, ct).ConfigureAwait(false);
        var manifest = await target.StatAsync(copy.ManifestKey, ct).ConfigureAwait(false);
        string? suspicion = artifact switch
        {
            null => "the artifact is missing",
            _ when artifact.Size != copy.StoredBytes => $"the artifact is {artifact.Size} bytes, the manifest says {copy.StoredBytes}",
            _ when copy.Fingerprint is { } known && Fingerprint(artifact) != known => "the artifact was rewritten since its last full read",
            _ when manifest is null => "manifest.json is missing",
            _ => null,
        };
        return new CopyInspectionResult(copy.BackupId, copy.Target, FullRead: false, ArtifactProblem: null, ManifestProblem: null, suspicion,
            artifact is null ? null : Fingerprint(artifact));
    }

    /// <summary>Reads the whole artifact and the manifest. Damage is reported in the result, never thrown.</summary>
    public static async Task<CopyInspectionResult> ReadAsync(IBackupTarget target, CopyToCheck copy, KeyRing keys, CancellationToken ct = default)
    {
        var info = await target.StatAsync(copy.ArtifactKey, ct).ConfigureAwait(false);
        string? artifactProblem = null;
        if (info is null)
        {
            artifactProblem = $"The artifact {copy.ArtifactKey} is missing from target '{copy.Target}'.";
        }
        else
        {
            try
            {
                var read = await VerifyCopy.RunAsync(target, copy.ArtifactKey, copy.StoredSha256, ct).ConfigureAwait(false);
                artifactProblem = read.Verified ? null : $"{read.Error} ({read.Bytes} bytes read, the manifest says {copy.StoredBytes}).";
            }
            catch (TargetNotFoundException)
            {
                artifactProblem = $"The artifact {copy.ArtifactKey} disappeared from target '{copy.Target}' while it was read.";
            }
        }

        var manifestProblem = await ManifestProblemAsync(target, copy, keys, ct).ConfigureAwait(false);
        return new CopyInspectionResult(copy.BackupId, copy.Target, FullRead: true, artifactProblem, manifestProblem, null,
            info is null ? null : Fingerprint(info));
    }

    /// <summary>Null when manifest.json is there, valid, signed as required, and describes this backup's stored bytes.</summary>
    public static async Task<string?> ManifestProblemAsync(IBackupTarget target, CopyToCheck copy, KeyRing keys, CancellationToken ct = default)
    {
        try
        {
            await using var stream = await target.OpenReadAsync(copy.ManifestKey, null, ct).ConfigureAwait(false);
            var manifest = (await ManifestReader.ReadAsync(stream, keys, ct).ConfigureAwait(false)).Manifest;
            if (manifest.BackupId != copy.BackupId || !string.Equals(manifest.StoredSha256, copy.StoredSha256, StringComparison.OrdinalIgnoreCase))
            {
                return $"manifest.json in target '{copy.Target}' describes backup {manifest.BackupId} (SHA-256 {manifest.StoredSha256}), not this copy.";
            }

            return null;
        }
        catch (TargetNotFoundException)
        {
            return $"manifest.json ({copy.ManifestKey}) is missing from target '{copy.Target}'.";
        }
        catch (InvalidManifestException e)
        {
            return $"manifest.json in target '{copy.Target}' is invalid: {e.Message}";
        }
    }

    /// <summary>What identifies this version of the object: the store's ETag where it has one, else its modification time; with the size.</summary>
    public static string Fingerprint(TargetObjectInfo info) =>
        info.ETag is { Length: > 0 } etag ? $"etag:{etag}:{info.Size}"
        : info.LastModified is { } at ? $"mtime:{at.UtcTicks}:{info.Size}"
        : $"size:{info.Size}";
}

/// <param name="ArtifactProblem">Full read only: the artifact is missing or its bytes do not hash to the manifest's SHA-256.</param>
/// <param name="ManifestProblem">Full read only: manifest.json is missing, unreadable, invalid, forged, or about another backup.</param>
/// <param name="Suspicion">Cheap check only: why this copy should be read whole now.</param>
/// <param name="Fingerprint">The artifact's current fingerprint (<see cref="CopyInspection.Fingerprint"/>), null when it is missing.</param>
public sealed record CopyInspectionResult(
    string BackupId,
    string Target,
    bool FullRead,
    string? ArtifactProblem,
    string? ManifestProblem,
    string? Suspicion,
    string? Fingerprint)
{
    public bool Corrupt => ArtifactProblem is not null || ManifestProblem is not null;

    public bool Intact => FullRead && !Corrupt;

    /// <summary>One sentence for the catalog and the alert.</summary>
    public string? Problem => (ArtifactProblem, ManifestProblem) switch
    {
        (null, null) => null,
        ({ } a, null) => a,
        (null, { } m) => m,
        ({ } a, { } m) => a + " " + m,
    };
}
