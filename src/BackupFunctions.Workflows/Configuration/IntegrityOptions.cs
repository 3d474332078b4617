namespace BackupFunctions.Workflows.Configuration;

/// <summary>
/// How the hourly integrity check spreads its full read-backs (BackupFunctions:Integrity). Every stored copy is
/// re-read whole at least once per <see cref="FullCyclePeriod"/>; each run reads a slice of the copies, oldest-checked
/// first (<see cref="Integrity.IntegrityRotation"/>), so a run's egress is about 1/(runs per period) of the stored bytes.
/// </summary>
public sealed class IntegrityOptions
{
    /// <summary>Every copy is read back whole within this period (default 7 days).</summary>
    public TimeSpan FullCyclePeriod { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the IntegrityCheck schedule runs (default hourly, as its default cron); with the period it gives the runs per cycle.</summary>
    public TimeSpan RunInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Between their turns, the copies outside the slice get a cheap check (one HEAD/stat per artifact and manifest:
    /// present, right size, unchanged since their last full read). Off saves those requests.
    /// </summary>
    public bool StatOthers { get; set; } = true;

    public IEnumerable<string> Validate()
    {
        if (RunInterval <= TimeSpan.Zero)
        {
            yield return $"BackupFunctions:Integrity:RunInterval must be positive (got {RunInterval}); set it to the IntegrityCheck schedule's interval, e.g. 01:00:00.";
        }

        if (FullCyclePeriod < RunInterval)
        {
            yield return $"BackupFunctions:Integrity:FullCyclePeriod ({FullCyclePeriod}) is shorter than RunInterval ({RunInterval}); every copy could not be re-read in time. Use e.g. 7.00:00:00.";
        }
    }
}
