namespace BackupFunctions.Workflows.Alerts;

/// <summary>How hard a channel is tried before its failure is recorded: "BackupFunctions:Alerts:Delivery".</summary>
public sealed class AlertDeliveryOptions
{
    /// <summary>Attempts per channel and event, the first included.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The first retry's delay; each next one doubles it (with jitter).</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>One attempt's limit (connect, send, answer).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
