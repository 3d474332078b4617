using BackupFunctions.Durable;

namespace BackupFunctions.Workflows.Activities;

/// <summary>Durable retry policies. Transport-level retries already happen inside the target wrapper; these cover longer outages.</summary>
public static class WorkflowRetries
{
    public static TaskOptions Default { get; } = TaskOptions.FromRetryPolicy(
        new RetryPolicy(3, TimeSpan.FromSeconds(5), 2.0, TimeSpan.FromMinutes(1))
        {
            HandleFailure = f => !f.IsNonRetriable,
        });

    /// <summary>Per-target uploads: a cloud that is down for minutes should still get its copy.</summary>
    public static TaskOptions Upload { get; } = TaskOptions.FromRetryPolicy(
        new RetryPolicy(4, TimeSpan.FromSeconds(10), 2.0, TimeSpan.FromMinutes(2))
        {
            HandleFailure = f => !f.IsNonRetriable,
        });
}
