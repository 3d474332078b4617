using BackupFunctions.Targets;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>The targets that hold WAL and base backups: BackupFunctions:Pitr:WalTargets, or all targets.</summary>
public static class WalTargets
{
    public static IReadOnlyList<IBackupTarget> Select(BackupEnvironment env) => env.SelectTargets(env.Options.Pitr.WalTargets);
}
