namespace BackupFunctions.Targets;

/// <summary>Retry settings for <see cref="RetryingTarget"/>: exponential backoff with full jitter, transient errors only.</summary>
public sealed class RetryOptions
{
    /// <summary>Total tries per operation, the first included. 1 disables retries.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The backoff cap before jitter for the first retry; doubles each retry.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The largest backoff cap.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    internal IEnumerable<string> Problems()
    {
        if (MaxAttempts < 1) yield return "Retry.MaxAttempts must be at least 1";
        if (BaseDelay < TimeSpan.Zero) yield return "Retry.BaseDelay must not be negative";
        if (MaxDelay < BaseDelay) yield return "Retry.MaxDelay must not be smaller than Retry.BaseDelay";
    }
}
