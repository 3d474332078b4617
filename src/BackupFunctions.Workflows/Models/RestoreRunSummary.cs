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
    string? Error);
