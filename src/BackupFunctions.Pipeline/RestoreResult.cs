using BackupFunctions.Pipeline.Format;

namespace BackupFunctions.Pipeline;

/// <summary>A successful restore: pg_restore (and psql, when the SQL was filtered) exited 0 without errors, and every check passed.</summary>
public sealed record RestoreResult(
    long StoredBytes,
    string StoredSha256,
    long PlainBytes,
    string PlainSha256,
    string KeyId,
    CompressionKind Compression,
    string PgRestoreVersion,
    IReadOnlyList<string> Warnings,
    TimeSpan Duration)
{
    /// <summary>The target server's version, e.g. "16.14".</summary>
    public string? ServerVersion { get; init; }
    /// <summary>The client installation the restore ran (its bin directory).</summary>
    public string? ClientBinDirectory { get; init; }
    /// <summary>psql's version when the SQL went through the SET filter and psql; null when pg_restore restored directly.</summary>
    public string? PsqlVersion { get; init; }
    /// <summary>Parameters whose SET statements the filter dropped because the server does not know them.</summary>
    public IReadOnlyList<string> DroppedSetParameters { get; init; } = [];
    /// <summary>How many psql \restrict/\unrestrict lines were dropped (for a psql that predates them).</summary>
    public int DroppedRestrictLines { get; init; }
    /// <summary>How pg_restore ran, e.g. "parallel -j 4" or "stream, single transaction" (<see cref="RestoreModes"/>).</summary>
    public string Mode { get; init; } = "";
}
