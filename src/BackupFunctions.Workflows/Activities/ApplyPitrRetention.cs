using BackupFunctions.Workflows.Pitr;

namespace BackupFunctions.Workflows.Activities;

/// <param name="DryRun">Plan only: list what would be deleted, delete nothing.</param>
public sealed record PitrRetentionRequest(string Target, bool DryRun = false);

/// <summary>
/// WAL-aware retention on one WAL target (<see cref="PitrRetention"/>): older base backups, and the WAL no kept base
/// backup needs. A plan blocked by an unverifiable manifest deletes nothing and comes back with the reason.
/// </summary>
public sealed class ApplyPitrRetention(BackupEnvironment env, ActivityLimits limits) : BoundedActivity<PitrRetentionRequest, PitrRetentionResult>(limits)
{
    protected override Task<PitrRetentionResult> RunAsync(ActivityRun context, PitrRetentionRequest input) =>
        ActivityFailures.RunAsync(async () =>
        {
            if (env.Options.Pitr.KeepBaseBackups < 1)
                throw new NonRetryableTaskException("PITR retention is off on this worker (BackupFunctions:Pitr:KeepBaseBackups is 0).");
            var target = WalTargets.Select(env).FirstOrDefault(t => string.Equals(t.Name, input.Target, StringComparison.OrdinalIgnoreCase))
                ?? throw new NonRetryableTaskException($"'{input.Target}' is not a WAL target on this worker.");
            return await new PitrRetention(env).ApplyAsync(target, input.DryRun, context.CancellationToken);
        });
}
