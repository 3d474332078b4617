namespace BackupFunctions.Pipeline.Processes;

/// <summary>The PostgreSQL client programs the pipeline runs.</summary>
public enum PgTool
{
    PgDump,
    PgRestore,
    Psql,
    PgDumpAll,
}
