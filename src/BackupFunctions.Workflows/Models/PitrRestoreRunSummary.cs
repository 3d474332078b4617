using BackupFunctions.Workflows.Activities;

namespace BackupFunctions.Workflows.Models;

/// <summary>The output of PitrRestoreOrchestrator: the base backup laid down, where the server runs, and what it holds.</summary>
/// <param name="TargetTime">The recovery target; null: the end of the archive (latest).</param>
public sealed record PitrRestoreRunSummary(
    string Cluster,
    string BaseBackupId,
    string ServedBy,
    DateTimeOffset? TargetTime,
    string DataDirectory,
    int Port,
    DateTimeOffset? LastReplayedTransaction,
    int Timeline,
    string Database,
    IReadOnlyDictionary<string, long> RowCounts,
    bool Stopped,
    double LayDownSeconds,
    double RecoverySeconds);

/// <summary>The custom status of PitrRestoreOrchestrator: the step running (1–5 of <see cref="Steps"/>), or "done" / "failed" with the reason.</summary>
public sealed record PitrRestoreProgress(string Step, int Number, string? Detail = null, string? Error = null)
{
    public static readonly IReadOnlyList<string> Steps = [nameof(ChoosePitrBaseBackup), nameof(LayDownBaseBackup), nameof(WriteRecoverySettings),
        nameof(StartRecoveryServer), nameof(VerifyPitrRestore)];
}
