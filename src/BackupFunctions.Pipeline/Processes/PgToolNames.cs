namespace BackupFunctions.Pipeline.Processes;

/// <summary>The executable file name of each <see cref="PgTool"/>.</summary>
public static class PgToolNames
{
    public static string FileName(this PgTool tool) => tool switch
    {
        PgTool.PgDump => "pg_dump",
        PgTool.PgRestore => "pg_restore",
        PgTool.Psql => "psql",
        PgTool.PgDumpAll => "pg_dumpall",
        PgTool.PgBaseBackup => "pg_basebackup",
        _ => throw new ArgumentOutOfRangeException(nameof(tool)),
    };
}
