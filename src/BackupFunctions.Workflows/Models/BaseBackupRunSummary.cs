using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Pitr;

namespace BackupFunctions.Workflows.Models;

/// <summary>The output of the base backup orchestration: the backup, and PITR retention per WAL target after it (empty when off).</summary>
public sealed record BaseBackupRunSummary(TakeBaseBackupResult Backup, IReadOnlyList<PitrRetentionResult> Retention);
