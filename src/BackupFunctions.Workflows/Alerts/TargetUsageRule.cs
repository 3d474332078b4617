namespace BackupFunctions.Workflows.Alerts;

/// <summary>One way a target's fill was measured: its disk (free space) or its configured quota (stored bytes).</summary>
/// <param name="Source">"disk" or "quota", for the message.</param>
public sealed record UsageReading(string Source, long UsedBytes, long CapacityBytes)
{
    public double Percent => CapacityBytes <= 0 ? 100 : 100.0 * UsedBytes / CapacityBytes;
}

/// <summary>The target-usage rule, pure: the fullest reading of a target decides, against the warning and critical thresholds.</summary>
public static class TargetUsageRule
{
    /// <summary>The severity to raise (null: under the warning threshold, so any open alert resolves) and the reading that decided.</summary>
    public static (string? Severity, UsageReading? Fullest) Judge(IReadOnlyCollection<UsageReading> readings, TargetUsageOptions options)
    {
        if (readings.Count == 0)
        {
            return (null, null);
        }

        var fullest = readings.MaxBy(r => r.Percent)!;
        var severity = fullest.Percent >= options.CriticalPercent ? AlertSeverity.Critical
            : fullest.Percent >= options.WarningPercent ? AlertSeverity.Warning
            : null;
        return (severity, fullest);
    }
}
