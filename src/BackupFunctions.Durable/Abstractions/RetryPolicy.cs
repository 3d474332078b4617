namespace BackupFunctions.Durable;

/// <summary>
/// How an orchestration retries a failed activity or sub-orchestration. The wait before retry
/// <c>n</c> (n = 1 for the first retry) is <c>FirstRetryInterval × BackoffCoefficient^(n-1)</c>,
/// capped at <see cref="MaxRetryInterval"/>, and is a durable timer. Retrying stops after
/// <see cref="MaxNumberOfAttempts"/> attempts, when <see cref="RetryTimeout"/> has passed since the
/// first attempt, when <see cref="HandleFailure"/> answers false, or when the failure is non-retriable.
/// </summary>
public sealed record RetryPolicy
{
    public RetryPolicy(
        int maxNumberOfAttempts,
        TimeSpan firstRetryInterval,
        double backoffCoefficient = 1.0,
        TimeSpan? maxRetryInterval = null,
        TimeSpan? retryTimeout = null)
    {
        if (maxNumberOfAttempts <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxNumberOfAttempts), maxNumberOfAttempts, "Must be greater than zero.");
        }

        if (firstRetryInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(firstRetryInterval), firstRetryInterval, "Must be greater than zero.");
        }

        if (backoffCoefficient < 1.0)
        {
            throw new ArgumentOutOfRangeException(nameof(backoffCoefficient), backoffCoefficient, "Must be 1.0 or greater.");
        }

        MaxNumberOfAttempts = maxNumberOfAttempts;
        FirstRetryInterval = firstRetryInterval;
        BackoffCoefficient = backoffCoefficient;
        MaxRetryInterval = maxRetryInterval ?? TimeSpan.FromHours(1);
        RetryTimeout = retryTimeout ?? System.Threading.Timeout.InfiniteTimeSpan;
    }

    public int MaxNumberOfAttempts { get; }

    public TimeSpan FirstRetryInterval { get; }

    public double BackoffCoefficient { get; }

    public TimeSpan MaxRetryInterval { get; }

    /// <summary>Overall time limit measured from the first attempt; infinite by default.</summary>
    public TimeSpan RetryTimeout { get; }

    /// <summary>Decides which failures are retried (all, by default). Called with the failure of each attempt.</summary>
    public Func<TaskFailureDetails, bool> HandleFailure { get; init; } = static _ => true;

    /// <summary>The wait before retry number <paramref name="retryNumber"/> (1 = first retry).</summary>
    public TimeSpan GetDelay(int retryNumber)
    {
        var ms = FirstRetryInterval.TotalMilliseconds * Math.Pow(BackoffCoefficient, Math.Max(0, retryNumber - 1));
        return ms >= MaxRetryInterval.TotalMilliseconds ? MaxRetryInterval : TimeSpan.FromMilliseconds(ms);
    }
}
