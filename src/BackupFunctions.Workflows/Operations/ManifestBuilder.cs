using BackupFunctions.Pipeline;
using BackupFunctions.Pipeline.Manifests;

namespace BackupFunctions.Workflows.Operations;

/// <summary>The manifest of a staged artifact, given which targets ended up with a verified copy.</summary>
public static class ManifestBuilder
{
    public static BackupManifest Build(StagedArtifact staged, IEnumerable<CopyOutcome> copies, DateTimeOffset verifiedAt, string? instanceId = null)
    {
        var r = staged.Result;
        return new BackupManifest
        {
            BackupId = staged.BackupId,
            Kind = staged.Kind,
            Database = staged.Database,
            TenantId = staged.TenantId,
            ServerVersion = r.ServerVersion.Text,
            ServerVersionNum = r.ServerVersion.Number,
            PgDumpVersion = r.PgDumpVersion,
            CreatedAt = staged.CreatedAt,
            CompletedAt = r.CompletedAt,
            RawBytes = r.RawBytes,
            CompressedBytes = r.CompressedBytes,
            StoredBytes = r.StoredBytes,
            StoredSha256 = r.StoredSha256,
            PlainSha256 = r.PlainSha256,
            Compression = r.Compression,
            CompressionLevel = r.CompressionLevel,
            KeyId = r.KeyId,
            FormatVersion = r.FormatVersion,
            ChunkSize = r.ChunkSize,
            // Absent for the default, so manifests of one-stream backups read as they always did.
            DumpFormat = r.DumpFormat == DumpFormats.Custom ? null : r.DumpFormat,
            DumpJobs = r.DumpFormat == DumpFormats.Custom ? null : r.DumpJobs,
            TableDataBytes = r.TableDataBytes is null ? null : new SortedDictionary<string, long>(r.TableDataBytes.ToDictionary(), StringComparer.Ordinal),
            RowCounts = r.RowCounts is null
                ? new SortedDictionary<string, long>(StringComparer.Ordinal)
                : new SortedDictionary<string, long>(r.RowCounts.ToDictionary(), StringComparer.Ordinal),
            ArtifactKey = staged.Keys.Artifact,
            Copies = copies.Where(c => c.Uploaded)
                .Select(c => new TargetCopy(c.Target, c.ObjectKey, c.Verified, c.Verified ? verifiedAt : null))
                .ToList(),
            OrchestrationInstanceId = instanceId,
            GlobalsArtifact = staged.GlobalsArtifact,
            GlobalsSha256 = staged.GlobalsSha256,
        };
    }
}
