namespace BackupFunctions.Workflows.Alerts;

/// <summary>"BackupFunctions:Alerts:Usage": when a target's usage is news (docs/alerts.md).</summary>
public sealed class TargetUsageOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Used share of the capacity (percent) at which a target raises a warning.</summary>
    public double WarningPercent { get; set; } = 80;

    /// <summary>Used share of the capacity (percent) at which the alert becomes critical: the next backups may not fit.</summary>
    public double CriticalPercent { get; set; } = 95;
}
