namespace BackupFunctions.Pipeline.Processes;

/// <summary>
/// A PostgreSQL client program failed: a non-zero exit, or error lines on stderr (which fail the run
/// even when the exit code is 0 and bytes flowed). The stderr excerpt has any password scrubbed.
/// </summary>
public sealed class PgToolException : PgOperationException
{
    public PgToolException(PgTool tool, PgFailureKind kind, int? exitCode, string summary, string stderrExcerpt, string? advice = null, Exception? inner = null)
        : base(Compose(tool, kind, exitCode, summary, stderrExcerpt, advice), kind, inner)
    {
        Tool = tool;
        ExitCode = exitCode;
        StderrExcerpt = stderrExcerpt;
    }

    public PgTool Tool { get; }
    /// <summary>The exit code, or null if the program never started or was killed before exiting.</summary>
    public int? ExitCode { get; }
    public string StderrExcerpt { get; }

    private static string Compose(PgTool tool, PgFailureKind kind, int? exitCode, string summary, string stderr, string? advice)
    {
        var exit = exitCode is { } c ? $"exit code {c}" : "no exit code";
        var text = $"{tool.FileName()} failed ({Describe(kind)}, {exit}): {summary}";
        if (advice is { Length: > 0 }) text += " " + advice;
        if (stderr.Length > 0) text += Environment.NewLine + "stderr:" + Environment.NewLine + stderr;
        return text;
    }

    internal static string Describe(PgFailureKind kind) => kind switch
    {
        PgFailureKind.ToolNotFound => "client program not found",
        PgFailureKind.Unreachable => "database server unreachable",
        PgFailureKind.ConnectionLost => "connection lost",
        PgFailureKind.AuthenticationFailed => "authentication failed",
        PgFailureKind.DatabaseNotFound => "database does not exist",
        PgFailureKind.ServerVersionMismatch => "server version mismatch",
        PgFailureKind.PermissionDenied => "permission denied",
        PgFailureKind.RowLevelSecurity => "blocked by row-level security",
        PgFailureKind.Cancelled => "cancelled",
        _ => "error",
    };

    internal static string? Advice(PgFailureKind kind, PgConnectionInfo? conn) => kind switch
    {
        PgFailureKind.Unreachable => conn is null ? "Check that the server is running and reachable." : $"Check that PostgreSQL is running and accepts connections at {conn.Host}:{conn.Port}.",
        PgFailureKind.AuthenticationFailed => conn is null ? "Check the user name and password." : $"Check the password and pg_hba.conf entry for user '{conn.Username}'.",
        PgFailureKind.DatabaseNotFound => conn is null ? "Check the database name." : $"Check the database name '{conn.Database}'.",
        PgFailureKind.ServerVersionMismatch => "The client is older than the server: install the PostgreSQL client of the server's major version (or newer) and point the client bin directory at it.",
        PgFailureKind.RowLevelSecurity => "Back up with a role that has BYPASSRLS or a superuser (owning the tables is enough only without FORCE ROW LEVEL SECURITY); --enable-row-security would silently skip rows.",
        PgFailureKind.PermissionDenied => "Grant the backup role read access to every object (or use a superuser / pg_read_all_data).",
        PgFailureKind.ToolNotFound => "Install the PostgreSQL client package (e.g. postgresql-client-15) or configure the client bin directory.",
        _ => null,
    };
}
