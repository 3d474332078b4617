namespace BackupFunctions.Cli;

/// <summary>backupctl's exit codes (documented in docs/cli.md); scripts and monitors branch on them.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The operation failed: database or target unreachable, pg_dump/pg_restore error, no verified copy.</summary>
    public const int Failed = 1;

    /// <summary>Bad command line or configuration; nothing was done.</summary>
    public const int Usage = 2;

    /// <summary>Backup: some targets hold a verified copy, others do not.</summary>
    public const int Partial = 3;

    /// <summary>A stored copy is damaged, truncated, or cannot be opened with the configured keys.</summary>
    public const int Integrity = 4;

    /// <summary>The backup asked for does not exist in any configured target.</summary>
    public const int NotFound = 5;

    /// <summary>Interrupted (Ctrl+C / SIGTERM).</summary>
    public const int Cancelled = 130;
}
