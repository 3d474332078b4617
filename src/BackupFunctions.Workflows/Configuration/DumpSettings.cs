namespace BackupFunctions.Workflows.Configuration;

/// <summary>Section BackupFunctions:Dump: how full backups run pg_dump.</summary>
public sealed class DumpSettings
{
    public const int MaxJobs = 64;

    /// <summary>
    /// pg_dump workers for a full backup of a database of at least <see cref="ParallelMinBytes"/>
    /// (<c>--format=directory --jobs=N</c>, each table file streamed as it is written). 1 always
    /// streams one archive. Null: one per core, at most 4, on a machine of at least <see cref="ParallelMinCores"/> cores;
    /// below that one archive. Tenant backups always stream one archive.
    /// </summary>
    public int? Jobs { get; set; }

    /// <summary>
    /// Below this many cores an unset <see cref="Jobs"/> means one streamed archive. On 2 cores a parallel dump (its leader,
    /// two workers and two server backends) was no faster at 1 GB (1.66× pg_dump against 1.65× for one stream) and 5 %
    /// faster at 5 GB, while its restore cannot start before the bundle's last member, toc.dat, has decoded: 1.44× and
    /// 1.63× of pg_restore -j2, where one archive's restore loads each table as it decodes (docs/benchmarks.md, session 10).
    /// </summary>
    public const int ParallelMinCores = 4;

    /// <summary>Databases smaller than this (pg_database_size) stream one archive. Default 512 MiB.</summary>
    public long ParallelMinBytes { get; set; } = 512L << 20;

    public int EffectiveJobs => Jobs ?? DefaultJobs(Environment.ProcessorCount);

    internal static int DefaultJobs(int cores) => cores < ParallelMinCores ? 1 : Math.Min(cores, 4);

    public IEnumerable<string> Validate()
    {
        if (Jobs is < 1 or > MaxJobs)
            yield return $"BackupFunctions:Dump:Jobs is {Jobs}: use 1 (one streamed archive) to {MaxJobs} pg_dump workers, or leave it unset for one per core (at most 4).";
        if (ParallelMinBytes < 0)
            yield return $"BackupFunctions:Dump:ParallelMinBytes is {ParallelMinBytes}: use 0 (every database in parallel) or more bytes.";
    }
}
