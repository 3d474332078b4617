using BackupFunctions.Pipeline.Processes;

namespace BackupFunctions.Pipeline.Inspection;

/// <summary>Connecting to or querying PostgreSQL through Npgsql failed; <see cref="PgOperationException.Kind"/> says why.</summary>
public sealed class PgConnectionException(string message, PgFailureKind kind, Exception? inner = null)
    : PgOperationException(message, kind, inner);
