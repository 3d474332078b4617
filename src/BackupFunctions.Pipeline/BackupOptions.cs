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

    /// <summary>
    /// pg_dump workers. Above 1, a database of at least <see cref="ParallelMinDatabaseBytes"/> is dumped
    /// with <c>--format=directory --jobs=N</c> into <see cref="ScratchDirectory"/>, each table file
    /// streamed into the artifact as pg_dump writes it (a <see cref="DirectoryArchive.DirectoryBundle"/>).
    /// 1 always streams one custom-format archive from pg_dump's stdout.
    /// </summary>
    public int DumpJobs { get; init; } = 1;
    /// <summary>Where a parallel dump's table files wait for the encoder (each is deleted once read); required for <see cref="DumpJobs"/> &gt; 1.</summary>
    public string? ScratchDirectory { get; init; }
    /// <summary>Smaller databases stream one archive: below this, the extra connections cost more than they save.</summary>
    public long ParallelMinDatabaseBytes { get; init; } = 512L << 20;
    /// <summary>Free bytes at a directory; null asks the file system. (Tests simulate a full disk with it.)</summary>
    public Func<string, long>? FreeSpaceProbe { get; init; }
}
