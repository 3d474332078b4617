namespace BackupFunctions.Workflows.Catalog.Postgres;

/// <summary>
/// The health score: 100 minus what a person should worry about, with each deduction stated.
/// A backup older than 26 hours, no test restore in 35 days, and open alerts all count.
/// </summary>
public static class HealthScore
{
    public static HealthReport Compute(DateTimeOffset now, DateTimeOffset? lastBackup, DateTimeOffset? lastTestRestore, int critical, int warnings)
    {
        var score = 100;
        var reasons = new List<string>();
        if (lastBackup is null)
        {
            score -= 40;
            reasons.Add("No successful full backup has been recorded.");
        }
        else if (now - lastBackup > TimeSpan.FromHours(26))
        {
            score -= 40;
            reasons.Add($"The last successful full backup is {(now - lastBackup.Value).TotalHours:F0} hours old (more than 26).");
        }

        if (lastTestRestore is null)
        {
            score -= 20;
            reasons.Add("No test restore has succeeded yet: backups are unproven.");
        }
        else if (now - lastTestRestore > TimeSpan.FromDays(35))
        {
            score -= 20;
            reasons.Add($"The last successful test restore is {(now - lastTestRestore.Value).TotalDays:F0} days old (more than 35).");
        }

        if (critical > 0)
        {
            score -= Math.Min(45, 15 * critical);
            reasons.Add($"{critical} open critical alert(s).");
        }

        if (warnings > 0)
        {
            score -= Math.Min(15, 5 * warnings);
            reasons.Add($"{warnings} open warning(s).");
        }

        score = Math.Max(0, score);
        var status = score >= 80 ? "healthy" : score >= 50 ? "degraded" : "unhealthy";
        return new HealthReport(score, status, reasons, lastBackup, lastTestRestore, critical, warnings);
    }
}
