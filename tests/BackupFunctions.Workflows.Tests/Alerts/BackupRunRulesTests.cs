using BackupFunctions.Workflows.Alerts;

namespace BackupFunctions.Workflows.Tests.Alerts;

/// <summary>The pure rules judged after every backup run: each one raising, and each one clearing.</summary>
public sealed class BackupRunRulesTests
{
    private static readonly AlertRuleOptions Rules = new();

    private static BackupRunFacts Run(string status = "Succeeded", long bytes = 1000, double minutes = 2, string? tenant = null) =>
        new("B9", "app", "full", tenant, status, status == "Succeeded" ? null : "s3: down", bytes, TimeSpan.FromMinutes(minutes));

    private static List<(long, TimeSpan)> History(params (long Bytes, double Minutes)[] runs) =>
        runs.Select(r => (r.Bytes, TimeSpan.FromMinutes(r.Minutes))).ToList();

    private static readonly List<(long, TimeSpan)> Steady = History((1000, 2), (1010, 2), (990, 2), (1000, 2), (1005, 2));

    [Fact]
    public void A_failed_run_raises_a_critical_alert_and_judges_nothing_else()
    {
        var d = Assert.Single(BackupRunRules.Evaluate(Run("Failed", bytes: 0), Steady, Rules));
        Assert.Equal((true, "backup:app:full:Failed", "critical", "backup.failed"), (d.Raise, d.DedupeKey, d.Severity, d.Code));
        Assert.Contains("s3: down", d.Message);
    }

    [Fact]
    public void A_partial_run_raises_a_warning_and_clears_the_failure()
    {
        var d = BackupRunRules.Evaluate(Run("Partial"), Steady, Rules);
        Assert.Contains(d, x => x.Raise && x.DedupeKey == "backup:app:full:Partial" && x.Severity == "warning" && x.Code == "backup.partial");
        Assert.Contains(d, x => !x.Raise && x.DedupeKey == "backup:app:full:Failed");
    }

    [Fact]
    public void A_good_run_clears_the_failure_the_partial_the_size_and_the_duration()
    {
        var d = BackupRunRules.Evaluate(Run(), Steady, Rules);
        Assert.All(d, x => Assert.False(x.Raise));
        Assert.Equal(["backup:app:full:Failed", "backup:app:full:Partial", "backup-size:app:full", "backup-duration:app:full"], d.Select(x => x.DedupeKey));
    }

    [Theory]
    [InlineData(1250, true)]   // 25 % above the median of 1000
    [InlineData(700, true)]    // 30 % below
    [InlineData(1190, false)]  // 19 % above
    [InlineData(810, false)]   // 19 % below
    public void A_size_more_than_20_percent_from_the_median_is_a_warning(long bytes, bool raised)
    {
        var size = BackupRunRules.Evaluate(Run(bytes: bytes), Steady, Rules).Single(x => x.DedupeKey == "backup-size:app:full");
        Assert.Equal(raised, size.Raise);
        if (raised)
        {
            Assert.Equal(("warning", "backup.size"), (size.Severity, size.Code));
            Assert.Contains("median 1,000", size.Message);
        }
    }

    [Fact]
    public void The_median_is_taken_over_the_last_N_runs_only()
    {
        // The newest 3 runs are ~2000 bytes; older ones ~1000. With N = 3 a 2000-byte run is normal, with N = 10 it is not.
        var history = History((2000, 2), (2010, 2), (1990, 2), (1000, 2), (1000, 2), (1000, 2), (1000, 2));
        Assert.False(BackupRunRules.Evaluate(Run(bytes: 2000), history, new AlertRuleOptions { HistoryCount = 3 }).Single(x => x.DedupeKey.StartsWith("backup-size", StringComparison.Ordinal)).Raise);
        Assert.True(BackupRunRules.Evaluate(Run(bytes: 2000), history, new AlertRuleOptions { HistoryCount = 10 }).Single(x => x.DedupeKey.StartsWith("backup-size", StringComparison.Ordinal)).Raise);
    }

    [Fact]
    public void Too_little_history_judges_neither_size_nor_the_ratio()
    {
        var d = BackupRunRules.Evaluate(Run(bytes: 99999, minutes: 60), History((1000, 2), (1000, 2)), Rules);
        Assert.All(d, x => Assert.False(x.Raise));
    }

    [Fact]
    public void A_run_over_twice_the_median_duration_is_a_warning()
    {
        var slow = BackupRunRules.Evaluate(Run(minutes: 4.5), Steady, Rules).Single(x => x.DedupeKey == "backup-duration:app:full");
        Assert.Equal((true, "warning", "backup.slow"), (slow.Raise, slow.Severity, slow.Code));
        Assert.False(BackupRunRules.Evaluate(Run(minutes: 3.9), Steady, Rules).Single(x => x.DedupeKey == "backup-duration:app:full").Raise);
    }

    [Fact]
    public void Short_runs_are_not_judged_by_the_ratio()
    {
        var quick = History((1000, 0.05), (1000, 0.05), (1000, 0.05));
        Assert.False(BackupRunRules.Evaluate(Run(minutes: 0.5), quick, Rules).Single(x => x.DedupeKey == "backup-duration:app:full").Raise);
    }

    [Fact]
    public void A_run_over_the_absolute_limit_is_a_warning_even_without_history()
    {
        var rules = new AlertRuleOptions { MaxDuration = TimeSpan.FromMinutes(30) };
        var d = BackupRunRules.Evaluate(Run(minutes: 31), [], rules).Single(x => x.DedupeKey == "backup-duration:app:full");
        Assert.True(d.Raise);
        Assert.Contains("over the limit 00:30:00", d.Message);
    }

    [Fact]
    public void A_tenant_run_has_its_own_conditions()
    {
        var d = Assert.Single(BackupRunRules.Evaluate(Run("Failed", tenant: "acme"), [], Rules));
        Assert.Equal("backup:app:full.acme:Failed", d.DedupeKey);
    }
}
