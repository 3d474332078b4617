using BackupFunctions.Workflows.Restore.Merge;

namespace BackupFunctions.Workflows.Models;

/// <summary>Output of RestoreOrchestrator / TestRestoreOrchestrator.</summary>
public sealed record RestoreRunSummary(
    string BackupId,
    string TargetDatabase,
    bool Succeeded,
    string? ServedBy,
    int TablesCompared,
    long RowsRestored,
    IReadOnlyList<string> Mismatches,
    bool ScratchDropped,
    double Seconds,
    string? Error)
{
    /// <summary>"restore" or "merge".</summary>
    public string Mode { get; init; } = RestoreModes.Restore;

    /// <summary>A merge's per-table counts before and after, from inside its transaction; empty for a restore.</summary>
    public IReadOnlyList<MergeTableCheck> MergeChecks { get; init; } = [];

    /// <summary>A merge's warnings (shared tables not merged, sequence entries not applied).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Roles the restore created on the destination (used by the database, or members of such roles).</summary>
    public IReadOnlyList<string> RolesCreated { get; init; } = [];

    /// <summary>A files restore: the directory written (TargetDatabase holds it too, for the restore history).</summary>
    public string? TargetDirectory { get; init; }

    /// <summary>A files restore: files and bytes written.</summary>
    public int FilesRestored { get; init; }

    public long BytesRestored { get; init; }

    /// <summary>Roles of the source cluster missing on the destination that the database does not use: not created.</summary>
    public IReadOnlyList<string> RolesNotCreated { get; init; } = [];
}
