namespace BackupFunctions.Pipeline.Processes;

/// <summary>
/// Base of every "talking to PostgreSQL failed" error, whether from a client program
/// (<see cref="PgToolException"/>) or from Npgsql (<see cref="Inspection.PgConnectionException"/>),
/// so callers can map <see cref="Kind"/> to exit codes and retries in one place.
/// </summary>
public abstract class PgOperationException(string message, PgFailureKind kind, Exception? inner) : Exception(message, inner)
{
    public PgFailureKind Kind { get; } = kind;

    /// <summary>True when retrying later may succeed (server unreachable or connection lost).</summary>
    public bool IsTransient => Kind is PgFailureKind.Unreachable or PgFailureKind.ConnectionLost;
}
