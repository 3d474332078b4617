namespace BackupFunctions.Workflows.Pitr;

/// <summary>
/// What PITR retention would delete on one WAL target (<see cref="PitrRetentionPlanner"/>), or why it deletes nothing.
/// </summary>
/// <param name="KeptBaseBackups">The newest <c>Pitr:KeepBaseBackups</c> base backups, oldest first.</param>
/// <param name="WalCutoff">The start segment of the oldest kept base backup: every WAL file before it is deletable; null keeps all WAL.</param>
/// <param name="DeletableWalFiles">WAL file names (segments, .partial, .backup) before the cutoff; history files are always kept.</param>
/// <param name="Blocked">Why nothing is deleted on this target (an unreadable or unverifiable manifest could hide a kept backup); null when the plan can be applied.</param>
public sealed record PitrRetentionPlan(
    string Target, int KeepBaseBackups, IReadOnlyList<string> KeptBaseBackups, IReadOnlyList<string> DeletableBaseBackups,
    string? WalCutoff, IReadOnlyList<string> DeletableWalFiles, int WalFilesKept, string? Blocked = null);
