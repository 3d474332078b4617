namespace BackupFunctions.Workflows.Alerts;

/// <summary>The thresholds of the alert rules: "BackupFunctions:Alerts:Rules".</summary>
public sealed class AlertRuleOptions
{
    /// <summary>How many earlier successful backups of the same database and kind the median is taken over.</summary>
    public int HistoryCount { get; set; } = 10;

    /// <summary>Fewer earlier backups than this: the size and duration medians are not trusted yet.</summary>
    public int MinHistory { get; set; } = 3;

    /// <summary>A backup's stored size further than this fraction from the median is a warning (0.2 = 20 %).</summary>
    public double SizeDeviation { get; set; } = 0.2;

    /// <summary>A backup slower than this many times the median duration is a warning.</summary>
    public double DurationFactor { get; set; } = 2.0;

    /// <summary>Below this duration the ratio rule stays quiet: a 3 s backup taking 7 s is noise, not news.</summary>
    public TimeSpan DurationFloor { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A backup running longer than this is a warning whatever the history; unset: no absolute limit.</summary>
    public TimeSpan? MaxDuration { get; set; }
}
