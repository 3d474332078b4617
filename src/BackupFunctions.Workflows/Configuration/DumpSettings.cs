namespace BackupFunctions.Workflows.Configuration;

/// <summary>Section BackupFunctions:Dump: how full backups run pg_dump.</summary>
public sealed class DumpSettings
{
    public const int MaxJobs = 64;

    /// <summary>
    /// pg_dump workers for a full backup of a database of at least <see cref="ParallelMinBytes"/>
    /// (<c>--format=directory --jobs=N</c>, each table file streamed as it is written). 1 always
    /// streams one archive. Null: one per core, at most 4. Tenant backups always stream one archive.
    /// </summary>
    public int? Jobs { get; set; }

    /// <summary>Databases smaller than this (pg_database_size) stream one archive. Default 512 MiB.</summary>
    public long ParallelMinBytes { get; set; } = 512L << 20;

    public int EffectiveJobs => Jobs ?? Math.Clamp(Environment.ProcessorCount, 1, 4);

    public IEnumerable<string> Validate()
    {
        if (Jobs is < 1 or > MaxJobs)
            yield return $"BackupFunctions:Dump:Jobs is {Jobs}: use 1 (one streamed archive) to {MaxJobs} pg_dump workers, or leave it unset for one per core (at most 4).";
        if (ParallelMinBytes < 0)
            yield return $"BackupFunctions:Dump:ParallelMinBytes is {ParallelMinBytes}: use 0 (every database in parallel) or more bytes.";
    }
}
