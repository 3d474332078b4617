namespace BackupFunctions.Workflows.Alerts;

/// <summary>The moments a person is told about: a condition began, got worse, or ended. A repeat of an open condition is not one.</summary>
public static class AlertEvent
{
    public const string Opened = "opened";
    public const string Escalated = "escalated";
    public const string Resolved = "resolved";
}
