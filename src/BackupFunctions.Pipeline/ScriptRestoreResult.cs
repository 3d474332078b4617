namespace BackupFunctions.Pipeline;

/// <summary>A SQL script ran into the target through psql (and the SET filter), and psql committed it.</summary>
public sealed record ScriptRestoreResult(
    string ServerVersion,
    string PsqlVersion,
    string ClientBinDirectory,
    bool Filtered,
    IReadOnlyList<string> DroppedSetParameters,
    int DroppedRestrictLines,
    IReadOnlyList<string> Warnings,
    TimeSpan Duration);
