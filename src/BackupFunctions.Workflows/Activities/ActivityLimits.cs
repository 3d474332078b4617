using BackupFunctions.Workflows.Configuration;

namespace BackupFunctions.Workflows.Activities;

/// <summary>
/// Gives each activity attempt its cancellation: the activity's time limit, linked to the host's stopping token so a
/// shutdown ends child processes instead of orphaning them.
/// </summary>
public sealed class ActivityLimits(ActivityOptions options, CancellationToken stopping = default)
{
    public TimeSpan For(string activity) => options.For(activity);

    /// <summary>Fires when the host shuts down; an attempt cancelled by it did not time out.</summary>
    public CancellationToken Stopping => stopping;

    public CancellationTokenSource Start(string activity)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        cts.CancelAfter(options.For(activity));
        return cts;
    }
}
