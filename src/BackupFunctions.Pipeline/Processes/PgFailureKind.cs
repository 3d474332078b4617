namespace BackupFunctions.Pipeline.Processes;

/// <summary>Why talking to PostgreSQL failed, as far as the error text or SQLSTATE tells.</summary>
public enum PgFailureKind
{
    /// <summary>An error that matched none of the kinds below.</summary>
    Failed,
    /// <summary>The client program is not installed where it was looked for.</summary>
    ToolNotFound,
    /// <summary>No server answered: refused, unknown host, timeout, or the server is starting/stopping.</summary>
    Unreachable,
    /// <summary>The connection was lost in the middle of the run.</summary>
    ConnectionLost,
    /// <summary>Wrong password, no password, unknown role or no pg_hba.conf entry.</summary>
    AuthenticationFailed,
    DatabaseNotFound,
    /// <summary>The client is older than the server (pg_dump refuses to dump a newer server).</summary>
    ServerVersionMismatch,
    PermissionDenied,
    /// <summary>Row-level security stopped the dump (the role has no BYPASSRLS and does not own the table).</summary>
    RowLevelSecurity,
    /// <summary>The run was cancelled and the process killed.</summary>
    Cancelled,
}
