using System.Diagnostics;
using BackupFunctions.Workflows.Telemetry;
using Microsoft.DurableTask;

namespace BackupFunctions.Workflows.Activities;

/// <summary>
/// The base of every product activity: a <see cref="TaskActivity{TInput, TOutput}"/> whose attempt is bounded by
/// <see cref="ActivityLimits"/>. Running past the limit cancels the work and fails the attempt with the retryable
/// <see cref="ActivityTimedOutException"/>. Each attempt is a span of <see cref="BackupTelemetry.Source"/>, tagged with
/// the orchestration instance, the activity and (for a request about one target) the target.
/// </summary>
public abstract class BoundedActivity<TInput, TOutput>(ActivityLimits limits) : TaskActivity<TInput, TOutput>
{
    public sealed override async Task<TOutput> RunAsync(TaskActivityContext context, TInput input)
    {
        var name = context.Name.Name;
        using var span = BackupTelemetry.StartActivityExecution(name, context.InstanceId, (input as ITargetedRequest)?.Target);
        using var cts = limits.Start(name);
        try
        {
            return await RunAsync(new ActivityRun(name, context.InstanceId, cts.Token), input).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested && !limits.Stopping.IsCancellationRequested)
        {
            span?.SetStatus(ActivityStatusCode.Error, nameof(ActivityTimedOutException));
            throw new ActivityTimedOutException(name, limits.For(name));
        }
        catch (Exception e)
        {
            // The type only: a message can name servers or paths, and spans leave the host.
            span?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }
    }

    /// <summary>The activity's work. Honour <see cref="ActivityRun.CancellationToken"/>; it is the deadline.</summary>
    protected abstract Task<TOutput> RunAsync(ActivityRun context, TInput input);
}
