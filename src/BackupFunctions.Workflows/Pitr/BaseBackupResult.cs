namespace BackupFunctions.Workflows.Pitr;

/// <summary>One base backup: its manifest (written to every target in <see cref="BaseBackupManifest.Targets"/>) and what failed elsewhere.</summary>
public sealed record BaseBackupResult(BaseBackupManifest Manifest, IReadOnlyList<WalTargetOutcome> Targets, TimeSpan Duration)
{
    public bool Complete => Targets.All(t => t.Durable);
}
