using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace BackupFunctions.Pipeline.Manifests;

/// <summary>
/// The one place object keys are made:
/// <c>backups/{database}/{yyyy}/{MM}/{dd}/{backupId}/artifact.bfa</c> and <c>.../manifest.json</c>.
/// Keys are deterministic in (database, created-at, backup id), so a retried upload overwrites its
/// own object and nothing else.
/// </summary>
public static partial class ObjectKeys
{
    public const string Root = "backups";
    public const string ArtifactFileName = "artifact.bfa";
    public const string ManifestFileName = "manifest.json";

    /// <summary>A new sortable backup id: <c>yyyyMMddTHHmmssZ-xxxxxxxx</c> (UTC, 8 random hex).</summary>
    public static string NewBackupId(DateTimeOffset createdAt) =>
        createdAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    public static BackupObjectKeys For(string database, DateTimeOffset createdAt, string backupId)
    {
        ValidateBackupId(backupId);
        var utc = createdAt.UtcDateTime;
        var folder = string.Create(CultureInfo.InvariantCulture, $"{Root}/{EncodeSegment(database)}/{utc:yyyy}/{utc:MM}/{utc:dd}/{backupId}");
        return new BackupObjectKeys(folder, folder + "/" + ArtifactFileName, folder + "/" + ManifestFileName);
    }

    /// <summary>Keys for a manifest's backup (database "_globals"/"_files" when a kind has none).</summary>
    public static BackupObjectKeys For(BackupManifest manifest) =>
        For(manifest.Database ?? "_" + manifest.Kind.ToString().ToLowerInvariant(), manifest.CreatedAt, manifest.BackupId);

    /// <summary>The prefix under which all of a database's backups lie (for listing).</summary>
    public static string DatabasePrefix(string database) => $"{Root}/{EncodeSegment(database)}/";

    public static bool IsManifestKey(string key) => key.StartsWith(Root + "/", StringComparison.Ordinal) && key.EndsWith("/" + ManifestFileName, StringComparison.Ordinal);

    public static void ValidateBackupId(string backupId)
    {
        if (string.IsNullOrEmpty(backupId) || backupId.Length > 100 || !BackupIdPattern().IsMatch(backupId))
            throw new ArgumentException($"Backup id '{backupId}' is not valid: use 1-100 characters of letters, digits, '-', '_' and '.', not starting with '.'.", nameof(backupId));
    }

    /// <summary>
    /// A database name as one key segment: letters, digits, '-', '_' and '.' stay; anything else
    /// (including '/') becomes %XX of its UTF-8 bytes, so every name maps to one distinct segment.
    /// </summary>
    public static string EncodeSegment(string name)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("A database name must not be empty.", nameof(name));
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (c == '.' && sb.Length > 0)) sb.Append(c);
            else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"^[A-Za-z0-9_-][A-Za-z0-9._-]*$")]
    private static partial Regex BackupIdPattern();
}
