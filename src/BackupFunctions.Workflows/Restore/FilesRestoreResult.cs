namespace BackupFunctions.Workflows.Restore;

/// <summary>What a files restore wrote, and from where.</summary>
/// <param name="Skipped">Archive entries not written (links, devices): their names, so nothing is dropped silently.</param>
public sealed record FilesRestoreResult(
    string BackupId,
    string Directory,
    bool Succeeded,
    string? ServedBy,
    int Files,
    long Bytes,
    IReadOnlyList<string> Skipped,
    IReadOnlyList<RestoreAttempt> Attempts,
    TimeSpan Duration,
    string? Error);
