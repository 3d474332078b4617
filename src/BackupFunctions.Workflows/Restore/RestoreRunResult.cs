using BackupFunctions.Pipeline.Inspection;

namespace BackupFunctions.Workflows.Restore;

public sealed record RestoreRunResult(
    string BackupId,
    string TargetDatabase,
    bool Succeeded,
    string? ServedBy,
    IReadOnlyList<RestoreAttempt> Attempts,
    IReadOnlyDictionary<string, long> ExpectedRowCounts,
    IReadOnlyDictionary<string, long> RestoredRowCounts,
    IReadOnlyList<RowCountMismatch> Mismatches,
    IReadOnlyList<string> Warnings,
    TimeSpan Duration,
    string? Error)
{
    /// <summary>Roles this restore created on the destination from the backup's globals (none when all existed).</summary>
    public IReadOnlyList<string> RolesCreated { get; init; } = [];

    /// <summary>Roles of the source cluster the destination lacks that this database does not use: not created.</summary>
    public IReadOnlyList<string> RolesNotCreated { get; init; } = [];
    /// <summary>How pg_restore ran (<see cref="BackupFunctions.Pipeline.RestoreModes"/>); null when nothing was restored.</summary>
    public string? Mode { get; init; }

    /// <summary>Nothing was restored, and at least one copy was found damaged (not merely unreachable).</summary>
    public bool NothingRestoredAndDamaged => ServedBy is null && Attempts.Any(a => a.Damaged);
}
