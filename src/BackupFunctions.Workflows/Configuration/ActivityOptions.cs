namespace BackupFunctions.Workflows.Configuration;

/// <summary>
/// Bounded run time per activity attempt (BackupFunctions:Activities). The Durable Task Framework gives an activity no
/// deadline of its own: a hung child process would hold its orchestration Running until someone noticed.
/// </summary>
public sealed class ActivityOptions
{
    /// <summary>The limit for an activity not named in <see cref="Timeouts"/>: long enough for a large dump or upload.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Per-activity limits by activity name (e.g. "PreflightSource": "00:05:00").</summary>
    public Dictionary<string, TimeSpan> Timeouts { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["PreflightSource"] = TimeSpan.FromMinutes(10),
        ["PreflightRestoreTarget"] = TimeSpan.FromMinutes(10),
        ["WriteManifest"] = TimeSpan.FromMinutes(15),
        ["RecordCatalog"] = TimeSpan.FromMinutes(5),
        ["RecordRestore"] = TimeSpan.FromMinutes(5),
        ["RecordVerification"] = TimeSpan.FromMinutes(5),
        ["RaiseAlert"] = TimeSpan.FromMinutes(5),
        ["ResolveAlert"] = TimeSpan.FromMinutes(5),
        ["EvaluateBackupRun"] = TimeSpan.FromMinutes(5),
        ["CleanupStaging"] = TimeSpan.FromMinutes(15),
        ["CallCutoverWebhook"] = TimeSpan.FromMinutes(5),
    };

    public TimeSpan For(string activity) =>
        Timeouts.TryGetValue(activity, out var limit) && limit > TimeSpan.Zero ? limit : Timeout;

    public IEnumerable<string> Validate()
    {
        if (Timeout <= TimeSpan.Zero)
        {
            yield return "BackupFunctions:Activities:Timeout must be a positive time span (e.g. \"06:00:00\").";
        }

        foreach (var (name, limit) in Timeouts)
        {
            if (limit <= TimeSpan.Zero)
            {
                yield return $"BackupFunctions:Activities:Timeouts:{name} must be a positive time span.";
            }
        }
    }
}
