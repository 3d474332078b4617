using BackupFunctions.Workflows.Pitr;

namespace BackupFunctions.Workflows.Activities;

/// <param name="Cluster">The PITR cluster the orchestration expects; a worker configured for another one refuses.</param>
public sealed record TakeBaseBackupRequest(string Cluster);

/// <param name="Failures">"target: reason" for every WAL target that did not get the backup.</param>
public sealed record TakeBaseBackupResult(
    string BackupId, string Cluster, string StartLsn, string StartWalFile, int Timeline, DateTimeOffset CompletedAt,
    long RawBytes, long StoredBytes, IReadOnlyList<string> Targets, IReadOnlyList<string> Failures, double Seconds)
{
    public bool Complete => Failures.Count == 0;
}

/// <summary>
/// One base backup (pg_basebackup → zstd → AES-256-GCM → every WAL target, manifest last), as one activity: the
/// tar stream cannot be resumed, so a retry starts a fresh base backup under a new id and the failed attempt leaves
/// no manifest behind.
/// </summary>
public sealed class TakeBaseBackup(BackupEnvironment env, ActivityLimits limits) : BoundedActivity<TakeBaseBackupRequest, TakeBaseBackupResult>(limits)
{
    protected override Task<TakeBaseBackupResult> RunAsync(ActivityRun context, TakeBaseBackupRequest input) =>
        ActivityFailures.RunAsync(async () =>
        {
            if (!string.Equals(input.Cluster, env.Options.Pitr.Cluster, StringComparison.Ordinal))
                throw new NonRetryableTaskException(
                    $"This worker archives cluster '{env.Options.Pitr.Cluster}', but the base backup was asked for '{input.Cluster}': the hosts' BackupFunctions:Pitr:Cluster settings differ.");
            var result = await new BaseBackupRunner(env).RunAsync(null, context.CancellationToken);
            var m = result.Manifest;
            return new TakeBaseBackupResult(m.BackupId, m.Cluster, m.StartLsn, m.StartWalFile, m.Timeline, m.CompletedAt, m.RawBytes, m.StoredBytes,
                m.Targets, result.Targets.Where(t => !t.Durable).Select(t => $"{t.Target}: {t.Error}").ToList(), result.Duration.TotalSeconds);
        });
}
