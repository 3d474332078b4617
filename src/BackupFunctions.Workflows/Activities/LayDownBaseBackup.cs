using System.Diagnostics;
using BackupFunctions.Workflows.Pitr;

namespace BackupFunctions.Workflows.Activities;

/// <param name="DataDirectory">As requested: below BackupFunctions:Pitr:RestoreDirectory, resolved (and checked) again here.</param>
public sealed record LayDownBaseBackupRequest(string BackupId, string DataDirectory);

public sealed record LayDownBaseBackupResult(string BackupId, string DataDirectory, string ServedBy, double Seconds);

/// <summary>
/// PITR restore, step 2: untars the base backup into a new or empty data directory as it is downloaded and decrypted
/// (SHA-256 checked; another WAL target is tried on failure). A directory holding anything is refused. The manifest is
/// read again from the targets by its id, signature checked, rather than trusted from the orchestration's history.
/// </summary>
[SelfHostedOnly]
public sealed class LayDownBaseBackup(BackupEnvironment env, ActivityLimits limits) : BoundedActivity<LayDownBaseBackupRequest, LayDownBaseBackupResult>(limits)
{
    protected override Task<LayDownBaseBackupResult> RunAsync(ActivityRun context, LayDownBaseBackupRequest input) =>
        PitrActivityFailures.RunAsync(async () =>
        {
            var ct = context.CancellationToken;
            var pitr = env.Options.Pitr;
            var directory = pitr.RestoreDataDirectory(input.DataDirectory);
            var manifest = (await BaseBackupCatalog.ListAsync(env, ct)).FirstOrDefault(m => m.BackupId == input.BackupId)
                ?? throw new PitrException($"Base backup {input.BackupId} is no longer in any WAL target (deleted by retention since it was chosen?); start the restore again.");
            var watch = Stopwatch.StartNew();
            var servedBy = await PitrDataDirectory.LayDownAsync(env, manifest, directory, pitr.RestoreRunAs, ct);
            return new LayDownBaseBackupResult(manifest.BackupId, directory, servedBy, Math.Round(watch.Elapsed.TotalSeconds, 2));
        });
}
