using System.Globalization;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>
/// The one place PITR object keys are made, beside (not inside) the logical backups' backups/ tree,
/// so the logical catalog never mistakes a WAL segment or a base backup for a dump:
/// <c>pitr/{cluster}/wal/{walFile}.bfa</c> + <c>.json</c>, and
/// <c>pitr/{cluster}/base/{backupId}/artifact.bfa</c> + <c>base-manifest.json</c>.
/// </summary>
public static class PitrKeys
{
    public const string Root = "pitr";
    public const string BaseManifestFileName = "base-manifest.json";

    public static string WalPrefix(string cluster) => $"{Root}/{cluster}/wal/";

    public static string WalArtifact(string cluster, string walFile) => WalPrefix(cluster) + walFile + ".bfa";

    public static string WalRecord(string cluster, string walFile) => WalPrefix(cluster) + walFile + ".json";

    public static string BasePrefix(string cluster) => $"{Root}/{cluster}/base/";

    public static string BaseArtifact(string cluster, string backupId) => BasePrefix(cluster) + backupId + "/artifact.bfa";

    public static string BaseManifest(string cluster, string backupId) => BasePrefix(cluster) + backupId + "/" + BaseManifestFileName;

    /// <summary>A sortable base backup id: <c>base-yyyyMMddTHHmmssZ</c>.</summary>
    public static string NewBaseBackupId(DateTimeOffset startedAt) =>
        "base-" + startedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
}
