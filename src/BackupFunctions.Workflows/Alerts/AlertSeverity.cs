namespace BackupFunctions.Workflows.Alerts;

/// <summary>The three severities, ordered, so that a channel can take "warning and worse".</summary>
public static class AlertSeverity
{
    public const string Info = "info";
    public const string Warning = "warning";
    public const string Critical = "critical";

    public static bool IsKnown(string? severity) => severity is Info or Warning or Critical;

    /// <summary>info 0, warning 1, critical 2; an unknown severity ranks as critical so it is never silenced.</summary>
    public static int Rank(string? severity) => severity switch
    {
        Info => 0,
        Warning => 1,
        _ => 2,
    };
}
