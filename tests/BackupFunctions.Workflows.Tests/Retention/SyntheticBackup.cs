using System.Security.Cryptography;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Tests.Support;

namespace BackupFunctions.Workflows.Tests.Retention;

/// <summary>
/// A backup as retention sees it, without running pg_dump: random artifact bytes and a signed manifest, written to each
/// target in the product's order (artifact, then manifest), verified everywhere, and recorded in the catalog.
/// </summary>
internal static class SyntheticBackup
{
    public static async Task<BackupManifest> WriteAsync(IReadOnlyList<IBackupTarget> targets, KeyRing keys, IBackupCatalog? catalog, int daysOld)
    {
        var createdAt = DateTimeOffset.UtcNow.AddDays(-daysOld).AddMinutes(-1);
        var id = ObjectKeys.NewBackupId(createdAt);
        var keysFor = ObjectKeys.For("shop", createdAt, id);
        var bytes = RandomNumberGenerator.GetBytes(256);
        var manifest = new BackupManifest
        {
            BackupId = id, Kind = BackupKind.Full, Database = "shop", CreatedAt = createdAt, CompletedAt = createdAt.AddSeconds(30), KeyId = ThreeTargets.KeyId,
            StoredSha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)), PlainSha256 = new string('b', 64), StoredBytes = bytes.Length,
            ArtifactKey = keysFor.Artifact,
            Copies = targets.Select(t => new TargetCopy(t.Name, keysFor.Artifact, Verified: true, createdAt)).ToList(),
        };
        foreach (var target in targets)
        {
            await target.PutAsync(keysFor.Artifact, new MemoryStream(bytes));
            await target.PutAsync(keysFor.Manifest, new MemoryStream(ManifestSigner.SignToUtf8Bytes(manifest, keys)));
        }

        if (catalog is not null)
            await catalog.RecordBackupAsync(manifest, "Succeeded", null);
        return manifest;
    }
}
