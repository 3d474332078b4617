using System.Text.RegularExpressions;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Keys;

namespace BackupFunctions.Pipeline.Manifests;

/// <summary>
/// Checks a deserialized manifest before anything uses it: required fields present, values in range,
/// hashes 64 lowercase hex digits, names well-formed. One bad manifest then costs one skipped copy,
/// never an exception deep inside list, restore or DR.
/// </summary>
public static partial class ManifestValidator
{
    public const int MaxTables = 1_000_000;
    public const int MaxCopies = 64;
    public const int MaxGlobalsBase64Chars = 1 << 20;

    /// <exception cref="InvalidManifestException">Every problem found, in one message.</exception>
    public static void Validate(BackupManifest m)
    {
        var problems = Problems(m).ToList();
        if (problems.Count > 0)
            throw new InvalidManifestException($"The manifest{(IsText(m.BackupId) ? $" of '{m.BackupId}'" : "")} is malformed: {string.Join("; ", problems)}.");
    }

    private static bool IsText(string? s) => !string.IsNullOrWhiteSpace(s);

    private static IEnumerable<string> Problems(BackupManifest m)
    {
        if (!IsText(m.BackupId)) yield return "backupId is missing";
        else
        {
            string? bad = null;
            try { ObjectKeys.ValidateBackupId(m.BackupId); } catch (ArgumentException) { bad = $"backupId '{m.BackupId}' is not a valid id"; }
            if (bad is not null) yield return bad;
        }
        if (!Enum.IsDefined(m.Kind)) yield return $"kind {(int)m.Kind} is unknown";
        if (m.Database is not null && (m.Database.Length == 0 || m.Database.Length > 255)) yield return "database is empty or longer than 255 characters";
        if (m.CreatedAt == default) yield return "createdAt is missing";
        if (m.CompletedAt is { } done && done < m.CreatedAt) yield return "completedAt is before createdAt";
        if (m.RawBytes < 0 || m.CompressedBytes < 0 || m.StoredBytes < 0) yield return "a size is negative";
        if (!IsSha256(m.StoredSha256)) yield return "storedSha256 is not 64 lowercase hex digits";
        if (!IsSha256(m.PlainSha256)) yield return "plainSha256 is not 64 lowercase hex digits";
        if (!Enum.IsDefined(m.Compression)) yield return "compression is unknown";
        if (m.FormatVersion is < ArtifactHeader.OldestReadableVersion or > ArtifactHeader.CurrentVersion)
            yield return $"formatVersion {m.FormatVersion} is not one this build reads ({ArtifactHeader.OldestReadableVersion}-{ArtifactHeader.CurrentVersion})";
        if (m.ChunkSize is < ArtifactHeader.MinChunkSize or > ArtifactHeader.MaxChunkSize) yield return $"chunkSize {m.ChunkSize} is out of range";
        if (!IsText(m.KeyId)) yield return "keyId is missing";
        else
        {
            string? bad = null;
            try { KeyEncryptionKey.ValidateId(m.KeyId); } catch (ArgumentException) { bad = "keyId is not a valid key id"; }
            if (bad is not null) yield return bad;
        }
        if (m.DumpFormat is not null && m.DumpFormat != DumpFormats.Custom && m.DumpFormat != DumpFormats.Directory) yield return $"dumpFormat '{m.DumpFormat}' is unknown";
        if (m.DumpJobs is < 1 or > 1024) yield return "dumpJobs is out of range";
        if (m.RowCounts is null) yield return "rowCounts is missing";
        else if (m.RowCounts.Count > MaxTables) yield return $"rowCounts lists more than {MaxTables} tables";
        else if (m.RowCounts.Any(kv => !IsText(kv.Key) || kv.Value < 0)) yield return "rowCounts has an empty table name or a negative count";
        if (!IsText(m.ArtifactKey)) yield return "artifactKey is missing";
        if (m.Copies is null) yield return "copies is missing";
        else if (m.Copies.Count > MaxCopies) yield return $"copies lists more than {MaxCopies} copies";
        else if (m.Copies.Any(c => c is null || !IsText(c.Target) || !IsText(c.ObjectKey))) yield return "a copy lacks its target or object key";
        if (m.GlobalsArtifact is not null)
        {
            if (m.GlobalsArtifact.Length > MaxGlobalsBase64Chars) yield return "globalsArtifact is too large";
            else if (!IsBase64(m.GlobalsArtifact)) yield return "globalsArtifact is not base64";
            if (!IsSha256(m.GlobalsSha256)) yield return "globalsSha256 is not 64 lowercase hex digits";
        }
    }

    private static bool IsBase64(string s)
    {
        var buffer = new byte[s.Length];
        return Convert.TryFromBase64String(s, buffer, out _);
    }

    public static bool IsSha256(string? s) => s is not null && Sha256Pattern().IsMatch(s);

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();
}
