using BackupFunctions.Pipeline.Processes;

namespace BackupFunctions.Pipeline;

/// <summary>How a database is dumped and encoded.</summary>
public sealed record BackupOptions(ArtifactEncodeOptions Artifact)
{
    /// <summary>
    /// Count every table's rows in the same snapshot pg_dump reads (exported with
    /// pg_export_snapshot and passed as --snapshot), after the dump, for the manifest.
    /// </summary>
    public bool CollectRowCounts { get; init; } = true;
    /// <summary>More pg_dump arguments (e.g. --schema=sales, --exclude-table-data=...). Never a password.</summary>
    public IReadOnlyList<string> ExtraDumpArguments { get; init; } = [];
    /// <summary>Which client to use; null picks by server version (same major, else the lowest newer).</summary>
    public PgClientInstallation? Client { get; init; }
}
