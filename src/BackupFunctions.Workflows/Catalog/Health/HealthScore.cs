using System.Globalization;

namespace BackupFunctions.Workflows.Catalog.Health;

/// <summary>
/// The health score: 100 minus what a person should worry about, each deduction a named check with its reason
/// (docs/health.md). Per database: a stale or missing full backup, a stale or missing test restore, a newest full backup
/// that did not reach every target, and copies whose last integrity check failed; for the catalog: open alerts. The
/// score never goes below 0.
/// </summary>
public static class HealthScore
{
    public static HealthReport Compute(HealthFacts facts)
    {
        var checks = new List<HealthCheck>();
        if (facts.Databases.Count == 0)
        {
            // Nothing was ever backed up: the same deductions as a database with no backup and no test restore.
            checks.Add(new HealthCheck(HealthRules.FullBackupAge, null, HealthRules.StaleFullBackup, "No successful full backup has been recorded."));
            checks.Add(new HealthCheck(HealthRules.TestRestoreAge, null, HealthRules.StaleTestRestore, "No test restore has succeeded yet: backups are unproven."));
        }

        foreach (var db in facts.Databases)
        {
            checks.Add(FullBackupAge(facts.Now, db));
            checks.Add(TestRestoreAge(facts.Now, db));
            checks.Add(NewestFullBackup(db));
            checks.Add(FailedCopies(db));
        }

        checks.Add(Alerts(HealthRules.CriticalAlerts, facts.OpenCriticalAlerts, HealthRules.PerCriticalAlert, HealthRules.CriticalAlertsCap, "critical alert(s)"));
        checks.Add(Alerts(HealthRules.WarningAlerts, facts.OpenWarningAlerts, HealthRules.PerWarningAlert, HealthRules.WarningAlertsCap, "warning(s)"));

        var score = Math.Max(0, 100 - checks.Sum(c => c.Deduction));
        var status = score >= HealthRules.HealthyFrom ? "healthy" : score >= HealthRules.DegradedFrom ? "degraded" : "unhealthy";
        return new HealthReport(
            score,
            status,
            checks.Where(c => !c.Passed).Select(c => c.Reason).ToList(),
            facts.Databases.Max(d => d.LastSuccessfulFullBackupAt),
            facts.Databases.Max(d => d.LastSuccessfulTestRestoreAt),
            facts.OpenCriticalAlerts,
            facts.OpenWarningAlerts)
        {
            Checks = checks,
            Databases = facts.Databases,
            EvaluatedAt = facts.Now,
        };
    }

    private static HealthCheck FullBackupAge(DateTimeOffset now, DatabaseHealth db)
    {
        var limit = HealthRules.FullBackupMaxAge;
        if (db.LastSuccessfulFullBackupAt is not { } at)
        {
            return new HealthCheck(HealthRules.FullBackupAge, db.Database, HealthRules.StaleFullBackup,
                $"{db.Database}: no full backup has succeeded; start one (POST /api/backups or backupctl backup).");
        }

        var age = now - at;
        return age > limit
            ? new HealthCheck(HealthRules.FullBackupAge, db.Database, HealthRules.StaleFullBackup,
                $"{db.Database}: the last successful full backup is {Hours(age)} hours old (more than {Hours(limit)}).")
            : new HealthCheck(HealthRules.FullBackupAge, db.Database, 0, $"{db.Database}: the last successful full backup is {Hours(age)} hours old.");
    }

    private static HealthCheck TestRestoreAge(DateTimeOffset now, DatabaseHealth db)
    {
        var limit = HealthRules.TestRestoreMaxAge;
        if (db.LastSuccessfulTestRestoreAt is not { } at)
        {
            return new HealthCheck(HealthRules.TestRestoreAge, db.Database, HealthRules.StaleTestRestore,
                $"{db.Database}: no test restore has succeeded yet: its backups are unproven.");
        }

        var age = now - at;
        return age > limit
            ? new HealthCheck(HealthRules.TestRestoreAge, db.Database, HealthRules.StaleTestRestore,
                $"{db.Database}: the last successful test restore is {Days(age)} days old (more than {Days(limit)}).")
            : new HealthCheck(HealthRules.TestRestoreAge, db.Database, 0, $"{db.Database}: the last successful test restore is {Days(age)} days old.");
    }

    private static HealthCheck NewestFullBackup(DatabaseHealth db) =>
        db.NewestFullBackupStatus is null or "Succeeded"
            ? new HealthCheck(HealthRules.NewestFullBackup, db.Database, 0, $"{db.Database}: the newest full backup reached every target.")
            : new HealthCheck(HealthRules.NewestFullBackup, db.Database, HealthRules.NewestFullBackupNotSucceeded,
                $"{db.Database}: the newest full backup ({db.NewestFullBackupId}) is {db.NewestFullBackupStatus} with {db.NewestFullBackupVerifiedCopies} verified " +
                "cop(ies): a target was unreachable or refused it; GET /api/backups/{id} says which.");

    private static HealthCheck FailedCopies(DatabaseHealth db) =>
        db.FailedCopyChecks == 0
            ? new HealthCheck(HealthRules.FailedCopyChecks, db.Database, 0, $"{db.Database}: every checked copy passed its last integrity check.")
            : new HealthCheck(HealthRules.FailedCopyChecks, db.Database,
                Math.Min(HealthRules.FailedCopyChecksCap, HealthRules.PerFailedCopyCheck * db.FailedCopyChecks),
                $"{db.Database}: {db.FailedCopyChecks} stored cop(ies) failed their last integrity check (missing or altered on the target).");

    private static HealthCheck Alerts(string name, int open, int each, int cap, string what) =>
        open == 0
            ? new HealthCheck(name, null, 0, $"No open {what}.")
            : new HealthCheck(name, null, Math.Min(cap, each * open), $"{open} open {what}.");

    private static string Hours(TimeSpan t) => Math.Floor(t.TotalHours).ToString(CultureInfo.InvariantCulture);

    private static string Days(TimeSpan t) => Math.Floor(t.TotalDays).ToString(CultureInfo.InvariantCulture);
}
