using BackupFunctions.Workflows.Pitr;

namespace BackupFunctions.Workflows.Activities;

/// <param name="Cluster">The PITR cluster the orchestration expects; a worker configured for another one refuses.</param>
public sealed record CheckWalArchivingRequest(string Cluster);

/// <summary>Reads the source's archiver statistics and the WAL targets' newest segments (<see cref="WalArchivingCheck"/>). Changes nothing.</summary>
public sealed class CheckWalArchiving(BackupEnvironment env, ActivityLimits limits) : BoundedActivity<CheckWalArchivingRequest, WalArchivingReport>(limits)
{
    protected override Task<WalArchivingReport> RunAsync(ActivityRun context, CheckWalArchivingRequest input) =>
        ActivityFailures.RunAsync(async () =>
        {
            if (!string.Equals(input.Cluster, env.Options.Pitr.Cluster, StringComparison.Ordinal))
                throw new NonRetryableTaskException(
                    $"This worker archives cluster '{env.Options.Pitr.Cluster}', but the check was asked for '{input.Cluster}': the hosts' BackupFunctions:Pitr:Cluster settings differ.");
            return await new WalArchivingCheck(env).RunAsync(context.CancellationToken);
        });
}
