using Microsoft.DurableTask;
using BackupFunctions.Workflows.Configuration;

namespace BackupFunctions.Workflows.Activities;

/// <summary>
/// Durable retry policies, from BackupFunctions:Retries. Transport-level retries already happen
/// inside the target wrapper; these cover longer outages, and never retry a non-retryable failure.
/// </summary>
public sealed class WorkflowRetries(WorkflowRetryOptions options)
{
    public TaskOptions Default { get; } = Policy(options.Attempts, options.FirstInterval);

    /// <summary>Per-target uploads: a cloud that is down for minutes should still get its copy.</summary>
    public TaskOptions Upload { get; } = Policy(options.UploadAttempts, options.UploadFirstInterval);

    private static TaskOptions Policy(int attempts, TimeSpan first) => TaskOptions.FromRetryPolicy(
        new RetryPolicy(Math.Max(1, attempts), first > TimeSpan.Zero ? first : TimeSpan.FromSeconds(1), 2.0, TimeSpan.FromMinutes(2))
        {
            HandleFailure = f => !f.IsCausedBy<NonRetryableTaskException>(),
        });
}
