namespace BackupFunctions.Pipeline.Merge;

/// <summary>A data merge that psql committed: which client ran, what was decoded, and what the SET filter dropped.</summary>
public sealed record DataMergeResult(
    long StoredBytes,
    long PlainBytes,
    string ServerVersion,
    string PgRestoreVersion,
    string PsqlVersion,
    string ClientBinDirectory,
    bool Filtered,
    IReadOnlyList<string> DroppedSetParameters,
    IReadOnlyList<string> Warnings,
    TimeSpan Duration);
