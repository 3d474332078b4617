using BackupFunctions.Workflows.Pitr;

namespace BackupFunctions.Workflows.Activities;

public sealed record WriteRecoverySettingsRequest(string DataDirectory, DateTimeOffset? TargetTime);

/// <param name="RestoreCommand">The restore_command written: BackupFunctions:Pitr:WalFetchCommand into this restore's WAL cache.</param>
public sealed record WriteRecoverySettingsResult(string DataDirectory, string RecoveryTarget, string RestoreCommand);

/// <summary>
/// PITR restore, step 3: recovery.signal, and in postgresql.auto.conf the restore_command (<c>backupctl wal fetch</c> as
/// the host's settings say, never as a request says: it is a shell command), the recovery target (time, inclusive, or
/// the end of the archive), promote at the target, and archive_mode off so the copy never archives into the source's archive.
/// </summary>
[SelfHostedOnly]
public sealed class WriteRecoverySettings(BackupEnvironment env, ActivityLimits limits) : BoundedActivity<WriteRecoverySettingsRequest, WriteRecoverySettingsResult>(limits)
{
    protected override Task<WriteRecoverySettingsResult> RunAsync(ActivityRun context, WriteRecoverySettingsRequest input) =>
        PitrActivityFailures.RunAsync(async () =>
        {
            var pitr = env.Options.Pitr;
            var walFetch = pitr.WalFetchCommand is { Length: > 0 } command ? command
                : throw new NonRetryableTaskException("BackupFunctions:Pitr:WalFetchCommand is not set: the restored server has no way to fetch WAL.");
            var directory = pitr.RestoreDataDirectory(input.DataDirectory);
            await PitrWalCache.CreateAsync(directory, pitr.RestoreRunAs, context.CancellationToken);
            var restoreCommand = PitrWalCache.RestoreCommand(walFetch, directory);
            await PitrDataDirectory.WriteRecoverySettingsAsync(directory, restoreCommand, input.TargetTime, pitr.RestoreRunAs, context.CancellationToken);
            return new WriteRecoverySettingsResult(directory, PitrTargetTime.Describe(input.TargetTime), restoreCommand);
        });
}
