using Polly;
using Polly.Retry;

namespace BackupFunctions.Targets;

/// <summary>
/// Builds the one retry pipeline used across the layer: retries only <see cref="TargetException"/>s
/// whose <see cref="TargetException.IsTransient"/> is true, with exponential backoff and full jitter
/// (delay = random(0, min(MaxDelay, BaseDelay × 2^attempt))), which spreads out herds of clients that
/// were throttled together (S3 SlowDown, 503).
/// </summary>
internal static class TransientRetry
{
    public static ResiliencePipeline Create(
        RetryOptions options,
        Func<Exception, bool>? extraCondition = null,
        Action<Exception, int, TimeSpan>? onRetry = null,
        TimeProvider? timeProvider = null)
    {
        if (options.MaxAttempts <= 1) return ResiliencePipeline.Empty;
        var retry = new RetryStrategyOptions
        {
            MaxRetryAttempts = options.MaxAttempts - 1,
            ShouldHandle = args => ValueTask.FromResult(
                args.Outcome.Exception is TargetException { IsTransient: true } ex && (extraCondition?.Invoke(ex) ?? true)),
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(FullJitter(options, args.AttemptNumber)),
            OnRetry = args =>
            {
                onRetry?.Invoke(args.Outcome.Exception!, args.AttemptNumber + 1, args.RetryDelay);
                return default;
            },
        };
        var builder = new ResiliencePipelineBuilder().AddRetry(retry);
        if (timeProvider is not null) builder.TimeProvider = timeProvider;
        return builder.Build();
    }

    internal static TimeSpan FullJitter(RetryOptions options, int attemptNumber)
    {
        var capTicks = Math.Min(options.MaxDelay.Ticks, options.BaseDelay.Ticks * Math.Pow(2, Math.Min(attemptNumber, 30)));
        return TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * capTicks));
    }
}
