using BackupFunctions.Workflows.Pitr;

namespace BackupFunctions.Workflows.Activities;

/// <param name="TargetTime">Recover up to this moment; null: the end of the archive (latest).</param>
public sealed record ChoosePitrBaseBackupRequest(string Cluster, DateTimeOffset? TargetTime);

/// <param name="ServerMajor">The PostgreSQL major version of the base backup: the restored server must run under the same.</param>
public sealed record ChoosePitrBaseBackupResult(string BackupId, DateTimeOffset CompletedAt, string StartWalFile, int Timeline, int ServerMajor);

/// <summary>
/// PITR restore, step 1: the newest base backup that was complete before the target (a recovery can stop only after its
/// base backup is consistent), or the newest for latest, from the signed base manifests the WAL targets hold.
/// </summary>
[SelfHostedOnly]
public sealed class ChoosePitrBaseBackup(BackupEnvironment env, ActivityLimits limits) : BoundedActivity<ChoosePitrBaseBackupRequest, ChoosePitrBaseBackupResult>(limits)
{
    protected override Task<ChoosePitrBaseBackupResult> RunAsync(ActivityRun context, ChoosePitrBaseBackupRequest input) =>
        PitrActivityFailures.RunAsync(async () =>
        {
            if (!string.Equals(input.Cluster, env.Options.Pitr.Cluster, StringComparison.Ordinal))
                throw new NonRetryableTaskException(
                    $"This worker restores cluster '{env.Options.Pitr.Cluster}', but the restore was asked for '{input.Cluster}': the hosts' BackupFunctions:Pitr:Cluster settings differ.");
            var chosen = BaseBackupCatalog.Choose(await BaseBackupCatalog.ListAsync(env, context.CancellationToken), input.TargetTime);
            return new ChoosePitrBaseBackupResult(chosen.BackupId, chosen.CompletedAt, chosen.StartWalFile, chosen.Timeline, chosen.ServerVersionNum / 10000);
        });
}
