using Microsoft.DurableTask;

namespace BackupFunctions.Workflows.Activities;

/// <summary>
/// The base of every product activity: a <see cref="TaskActivity{TInput, TOutput}"/> whose attempt is bounded by
/// <see cref="ActivityLimits"/>. Running past the limit cancels the work and fails the attempt with the retryable
/// <see cref="ActivityTimedOutException"/>.
/// </summary>
public abstract class BoundedActivity<TInput, TOutput>(ActivityLimits limits) : TaskActivity<TInput, TOutput>
{
    public sealed override async Task<TOutput> RunAsync(TaskActivityContext context, TInput input)
    {
        var name = context.Name.Name;
        using var cts = limits.Start(name);
        try
        {
            return await RunAsync(new ActivityRun(name, context.InstanceId, cts.Token), input).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested && !limits.Stopping.IsCancellationRequested)
        {
            throw new ActivityTimedOutException(name, limits.For(name));
        }
    }

    /// <summary>The activity's work. Honour <see cref="ActivityRun.CancellationToken"/>; it is the deadline.</summary>
    protected abstract Task<TOutput> RunAsync(ActivityRun context, TInput input);
}
