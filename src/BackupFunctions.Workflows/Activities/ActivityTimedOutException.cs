namespace BackupFunctions.Workflows.Activities;

/// <summary>
/// An activity attempt ran past its bounded run time (a hung pg_dump, an upload that stopped moving). The attempt was
/// cancelled; the failure is retryable, so the orchestration's policy runs the activity again instead of holding the
/// run Running forever.
/// </summary>
public sealed class ActivityTimedOutException(string activity, TimeSpan limit)
    : TimeoutException($"Activity {activity} did not finish within {limit}; the attempt was cancelled and will be retried if attempts remain. " +
        $"Raise BackupFunctions:Activities:Timeouts:{activity} if this work is legitimately that long.")
{
    public string Activity { get; } = activity;

    public TimeSpan Limit { get; } = limit;
}
