using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Targets;

namespace BackupFunctions.Workflows.Operations;

/// <summary>
/// Writes manifest.json next to the artifact in one target. It is written after the artifact and
/// only where the artifact was verified, so a manifest always points at good bytes; every target's
/// manifest lists all copies, so any single target is enough to rebuild the catalog.
/// </summary>
public static class PublishManifest
{
    /// <param name="ring">Signs the manifest with the key that encrypted the artifact (<see cref="ManifestSigner"/>).</param>
    public static async Task RunAsync(IBackupTarget target, BackupManifest manifest, KeyRing ring, CancellationToken ct = default)
    {
        var keys = ObjectKeys.For(manifest);
        using var json = new MemoryStream(ManifestSigner.SignToUtf8Bytes(manifest, ring), writable: false);
        await target.PutAsync(keys.Manifest, json, new PutOptions { ContentType = "application/json", ExpectedLength = json.Length }, ct).ConfigureAwait(false);
    }
}
