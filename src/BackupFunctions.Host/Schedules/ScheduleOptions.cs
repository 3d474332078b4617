namespace BackupFunctions.Host.Schedules;

/// <summary>
/// One timer: a 6-field NCRONTAB expression (seconds first, UTC), as in Azure Functions timer
/// triggers. Bound from "BackupFunctions:Schedules:{Name}".
/// </summary>
public sealed class ScheduleOptions
{
    public string Cron { get; set; } = "";

    public bool Enabled { get; set; } = true;

    /// <summary>Runs the latest due time missed while no host was running, once, at start-up.</summary>
    public bool RunMissedOnStartup { get; set; } = true;
}
