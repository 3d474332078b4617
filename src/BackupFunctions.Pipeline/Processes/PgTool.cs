namespace BackupFunctions.Pipeline.Processes;

/// <summary>The PostgreSQL client programs the pipeline runs.</summary>
public enum PgTool
{
    PgDump,
    PgRestore,
    Psql,
    PgDumpAll,
}

public static class PgToolNames
{
    public static string FileName(this PgTool tool) => tool switch
    {
        PgTool.PgDump => "pg_dump",
        PgTool.PgRestore => "pg_restore",
        PgTool.Psql => "psql",
        PgTool.PgDumpAll => "pg_dumpall",
        _ => throw new ArgumentOutOfRangeException(nameof(tool)),
    };
}
