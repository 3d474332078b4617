namespace BackupFunctions.Pipeline.Processes;

/// <summary>The PostgreSQL client programs the pipeline runs.</summary>
public enum PgTool
{
    PgDump,
    PgRestore,
    Psql,
    PgDumpAll,
    /// <summary>Base backups for point-in-time recovery (a replication connection; the dbname is ignored).</summary>
    PgBaseBackup,
}
