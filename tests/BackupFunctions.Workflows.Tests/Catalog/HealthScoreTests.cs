using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Catalog.Health;

namespace BackupFunctions.Workflows.Tests.Catalog;

/// <summary>Each deduction of the documented formula (docs/health.md), alone and together, not only the 100.</summary>
public sealed class HealthScoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A database with nothing to worry about: backed up an hour ago, test-restored a week ago.</summary>
    private static DatabaseHealth Good(string name = "app") =>
        new(name, Now.AddHours(-1), "b1", "Succeeded", Now.AddHours(-1), 1234, 3, Now.AddDays(-7), 0);

    private static HealthReport Score(params DatabaseHealth[] dbs) => HealthScore.Compute(new HealthFacts(Now, dbs, 0, 0));

    private static HealthCheck Failed(HealthReport report) => Assert.Single(report.Checks, c => !c.Passed);

    [Fact]
    public void A_recent_backup_and_test_restore_and_no_alerts_score_100_with_every_check_passed()
    {
        var report = Score(Good());

        Assert.Equal(100, report.Score);
        Assert.Equal("healthy", report.Status);
        Assert.Empty(report.Reasons);
        Assert.Equal(6, report.Checks.Count);
        Assert.All(report.Checks, c => Assert.True(c.Passed, c.Reason));
        Assert.Equal(Now.AddHours(-1), report.LastSuccessfulBackupAt);
        Assert.Equal(Now, report.EvaluatedAt);
    }

    [Fact]
    public void An_empty_catalog_loses_40_for_no_backup_and_20_for_no_test_restore()
    {
        var report = Score();

        Assert.Equal(40, report.Score);
        Assert.Equal("unhealthy", report.Status);
        Assert.Equal(40, report.Checks.Single(c => c.Name == HealthRules.FullBackupAge).Deduction);
        Assert.Equal(20, report.Checks.Single(c => c.Name == HealthRules.TestRestoreAge).Deduction);
        Assert.Contains("No successful full backup", report.Reasons[0]);
    }

    [Theory]
    [InlineData(25.9, 0)]
    [InlineData(26.1, 40)]
    public void A_full_backup_older_than_26_hours_takes_40(double hours, int deduction)
    {
        var report = Score(Good() with { LastSuccessfulFullBackupAt = Now.AddHours(-hours) });

        var check = report.Checks.Single(c => c.Name == HealthRules.FullBackupAge);
        Assert.Equal(deduction, check.Deduction);
        Assert.Equal(100 - deduction, report.Score);
        Assert.Equal("app", check.Database);
        if (deduction > 0)
        {
            Assert.Equal("app: the last successful full backup is 26 hours old (more than 26).", check.Reason);
            Assert.Equal("degraded", report.Status);
        }
    }

    [Fact]
    public void A_database_whose_full_backups_all_failed_takes_40_and_10_for_the_failed_newest()
    {
        var report = Score(Good() with { LastSuccessfulFullBackupAt = null, NewestFullBackupStatus = "Failed", NewestFullBackupVerifiedCopies = 0 });

        Assert.Equal(50, report.Score);
        Assert.Equal(40, report.Checks.Single(c => c.Name == HealthRules.FullBackupAge).Deduction);
        Assert.Equal(10, report.Checks.Single(c => c.Name == HealthRules.NewestFullBackup).Deduction);
        Assert.Contains("no full backup has succeeded", report.Reasons[0]);
    }

    [Theory]
    [InlineData(34.9, 0)]
    [InlineData(35.1, 20)]
    public void A_test_restore_older_than_35_days_takes_20(double days, int deduction)
    {
        var report = Score(Good() with { LastSuccessfulTestRestoreAt = Now.AddDays(-days) });

        Assert.Equal(deduction, report.Checks.Single(c => c.Name == HealthRules.TestRestoreAge).Deduction);
        Assert.Equal(100 - deduction, report.Score);
    }

    [Fact]
    public void No_test_restore_takes_20_and_says_the_backups_are_unproven()
    {
        var report = Score(Good() with { LastSuccessfulTestRestoreAt = null });

        Assert.Equal(80, report.Score);
        Assert.Equal("healthy", report.Status);
        Assert.Contains("unproven", Failed(report).Reason);
    }

    [Fact]
    public void A_partial_newest_full_backup_takes_10_for_the_target_that_missed_it()
    {
        var report = Score(Good() with { NewestFullBackupId = "b2", NewestFullBackupStatus = "Partial", NewestFullBackupVerifiedCopies = 2 });

        var check = Failed(report);
        Assert.Equal(HealthRules.NewestFullBackup, check.Name);
        Assert.Equal(10, check.Deduction);
        Assert.Equal(90, report.Score);
        Assert.Contains("(b2) is Partial with 2 verified", check.Reason);
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(3, 30)]
    [InlineData(7, 30)]
    public void Copies_that_failed_their_last_integrity_check_take_10_each_up_to_30(int failed, int deduction)
    {
        var report = Score(Good() with { FailedCopyChecks = failed });

        var check = Failed(report);
        Assert.Equal(HealthRules.FailedCopyChecks, check.Name);
        Assert.Equal(deduction, check.Deduction);
        Assert.Equal(100 - deduction, report.Score);
        Assert.StartsWith($"app: {failed} stored cop(ies)", check.Reason);
    }

    [Theory]
    [InlineData(1, 0, 15)]
    [InlineData(2, 0, 30)]
    [InlineData(4, 0, 45)]
    [InlineData(0, 1, 5)]
    [InlineData(0, 9, 15)]
    [InlineData(4, 9, 60)]
    public void Open_alerts_take_15_per_critical_up_to_45_and_5_per_warning_up_to_15(int critical, int warnings, int deduction)
    {
        var report = HealthScore.Compute(new HealthFacts(Now, [Good()], critical, warnings));

        Assert.Equal(100 - deduction, report.Score);
        Assert.Equal(critical, report.OpenCriticalAlerts);
        Assert.Equal(warnings, report.OpenWarningAlerts);
        Assert.Equal(deduction, report.Checks.Where(c => c.Name is HealthRules.CriticalAlerts or HealthRules.WarningAlerts).Sum(c => c.Deduction));
        Assert.Null(report.Checks.Single(c => c.Name == HealthRules.CriticalAlerts).Database);
    }

    [Fact]
    public void Deductions_of_several_databases_add_up_and_the_score_stops_at_0()
    {
        var stale = Good("reports") with { LastSuccessfulFullBackupAt = Now.AddDays(-3), LastSuccessfulTestRestoreAt = null };
        var report = HealthScore.Compute(new HealthFacts(Now, [Good(), stale], 0, 1));

        Assert.Equal(100 - 40 - 20 - 5, report.Score);
        Assert.Equal(["reports", "reports", null], report.Checks.Where(c => !c.Passed).Select(c => c.Database));
        Assert.Equal(3, report.Reasons.Count);

        var worse = HealthScore.Compute(new HealthFacts(Now, [stale, stale with { Database = "more" }], 4, 3));
        Assert.Equal(0, worse.Score);
        Assert.Equal("unhealthy", worse.Status);
        Assert.True(worse.Checks.Sum(c => c.Deduction) > 100);
    }

    [Theory]
    [InlineData(0, 0, "healthy")]       // 100
    [InlineData(1, 1, "healthy")]       // 80
    [InlineData(2, 0, "degraded")]      // 70
    [InlineData(3, 1, "degraded")]      // 50
    [InlineData(3, 2, "unhealthy")]     // 45
    public void The_status_is_healthy_from_80_and_degraded_from_50(int critical, int warnings, string status) =>
        Assert.Equal(status, HealthScore.Compute(new HealthFacts(Now, [Good()], critical, warnings)).Status);
}
