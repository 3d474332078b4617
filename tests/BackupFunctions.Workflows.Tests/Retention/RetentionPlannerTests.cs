using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Workflows.Retention;

namespace BackupFunctions.Workflows.Tests.Retention;

/// <summary>The retention planner alone: every rule, the invariants, and GFS over a generated year. No I/O.</summary>
public sealed class RetentionPlannerTests
{
    private static readonly DateTimeOffset Now = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static RetentionCopy Copy(string id, DateTimeOffset at, string target = "local", bool verified = true, BackupKind kind = BackupKind.Full, string db = "app") =>
        new(id, target, kind, db, null, at) { Verified = verified, ArtifactKey = $"a/{id}", ManifestKey = $"m/{id}" };

    /// <summary>Daily copies named d01..dNN, d01 the newest (Now minus 1 day), each a day older than the one before.</summary>
    private static List<RetentionCopy> Daily(int count, string target = "local", bool verified = true) =>
        Enumerable.Range(1, count).Select(i => Copy($"d{i:00}", Now.AddDays(-i), target, verified)).ToList();

    private static RetentionPlan Plan(IReadOnlyList<RetentionCopy> copies, RetentionRules rules, Func<RetentionPlanInput, RetentionPlanInput>? tweak = null)
    {
        var input = new RetentionPlanInput { Copies = copies, RulesFor = (_, _) => rules, Now = Now };
        return RetentionPlanner.Plan(tweak is null ? input : tweak(input));
    }

    private static string[] Ids(RetentionPlan plan, RetentionAction action, string? target = null) =>
        plan.Decisions.Where(d => d.Action == action && (target is null || d.Copy.Target == target)).Select(d => d.Copy.BackupId).Order(StringComparer.Ordinal).ToArray();

    private static RetentionDecision Of(RetentionPlan plan, string id, string target = "local") =>
        plan.Decisions.Single(d => d.Copy.BackupId == id && d.Copy.Target == target);

    [Fact]
    public void Keep_days_keeps_copies_younger_than_the_limit_and_deletes_the_rest()
    {
        var plan = Plan(Daily(10), new RetentionRules(KeepDays: 5));

        Assert.Equal(["d01", "d02", "d03", "d04"], Ids(plan, RetentionAction.Keep));
        Assert.Equal(["d05", "d06", "d07", "d08", "d09", "d10"], Ids(plan, RetentionAction.Delete));
        Assert.Equal("keep-days", Of(plan, "d04").Rule);
        Assert.Contains("4 days old, keep-days 5", Of(plan, "d04").Reason);
        Assert.Equal("expired", Of(plan, "d05").Rule);
        Assert.Contains("5 days old", Of(plan, "d05").Reason);
    }

    [Fact]
    public void Keep_count_keeps_the_newest_n_of_each_series()
    {
        var copies = Daily(6).Concat(Enumerable.Range(1, 4).Select(i => Copy($"o{i}", Now.AddDays(-i), db: "other"))).ToList();

        var plan = Plan(copies, new RetentionRules(KeepCount: 3));

        Assert.Equal(["d01", "d02", "d03", "o1", "o2", "o3"], Ids(plan, RetentionAction.Keep));
        Assert.Equal(["d04", "d05", "d06", "o4"], Ids(plan, RetentionAction.Delete));
        Assert.Equal("keep-count", Of(plan, "d03").Rule);
        Assert.Contains("#3 newest, keep-count 3", Of(plan, "d03").Reason);
    }

    [Fact]
    public void Rules_are_per_target_and_kind()
    {
        var copies = Daily(10, "local").Concat(Daily(10, "cloud"))
            .Append(Copy("t1", Now.AddDays(-1), "local", kind: BackupKind.Tenant)).Append(Copy("t2", Now.AddDays(-2), "local", kind: BackupKind.Tenant))
            .ToList();
        var input = new RetentionPlanInput
        {
            Copies = copies,
            Now = Now,
            RulesFor = (target, kind) => (target, kind) switch
            {
                ("local", BackupKind.Tenant) => new RetentionRules(KeepCount: 1),
                ("local", _) => new RetentionRules(KeepDays: 3),
                _ => new RetentionRules(KeepDays: 8),
            },
        };

        var plan = RetentionPlanner.Plan(input);

        Assert.Equal(["d01", "d02", "t1"], Ids(plan, RetentionAction.Keep, "local"));
        Assert.Equal(["d01", "d02", "d03", "d04", "d05", "d06", "d07"], Ids(plan, RetentionAction.Keep, "cloud"));
        Assert.Equal(["d08", "d09", "d10"], Ids(plan, RetentionAction.Delete, "cloud"));
        Assert.Equal(RetentionAction.Delete, Of(plan, "t2").Action);
    }

    [Fact]
    public void Gfs_over_a_generated_year_of_daily_backups_keeps_exactly_the_last_days_weeks_and_month_ends()
    {
        // One backup every day of 2026 at 02:00 UTC; planned on 2027-01-01.
        var copies = new List<RetentionCopy>();
        for (var day = new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.Zero); day.Year == 2026; day = day.AddDays(1))
        {
            copies.Add(Copy(day.ToString("yyyy-MM-dd"), day));
        }

        var plan = Plan(copies, new RetentionRules(Daily: 7, Weekly: 4, Monthly: 12));

        // Daily 7: Dec 25-31. Weekly 4 (ISO weeks; 2026 has 53): W53 ends with Dec 31, W52 with Sun Dec 27, W51 with
        // Dec 20, W50 with Dec 13. Monthly 12: the last day of each month of 2026.
        string[] expected =
        [
            "2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30", "2026-07-31", "2026-08-31",
            "2026-09-30", "2026-10-31", "2026-11-30", "2026-12-13", "2026-12-20",
            "2026-12-25", "2026-12-26", "2026-12-27", "2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31",
        ];
        Assert.Equal(expected, Ids(plan, RetentionAction.Keep));
        Assert.Equal(365 - 20, Ids(plan, RetentionAction.Delete).Length);
        Assert.Equal("newest-verified", Of(plan, "2026-12-31").Rule);
        Assert.Equal("gfs-daily", Of(plan, "2026-12-25").Rule);
        Assert.Equal("gfs-weekly", Of(plan, "2026-12-13").Rule);
        Assert.Contains("week 2026-W50", Of(plan, "2026-12-13").Reason);
        Assert.Equal("gfs-monthly", Of(plan, "2026-03-31").Rule);
        Assert.Contains("month 2026-03", Of(plan, "2026-03-31").Reason);
        // Dec 27 is both a day and the end of week 52: every rule that keeps it is named.
        Assert.Contains("daily 7", Of(plan, "2026-12-27").Reason);
        Assert.Contains("week 2026-W52", Of(plan, "2026-12-27").Reason);
        Assert.Equal("expired", Of(plan, "2026-12-24").Rule);
    }

    [Fact]
    public void Gfs_takes_a_buckets_newest_verified_copy_over_a_newer_unverified_one()
    {
        var copies = new List<RetentionCopy>
        {
            Copy("late-unverified", Now.AddDays(-3).AddHours(20), verified: false),
            Copy("early-verified", Now.AddDays(-3).AddHours(2)),
            Copy("newest", Now.AddHours(-1)),
        };

        var plan = Plan(copies, new RetentionRules(Daily: 2));

        Assert.Equal("gfs-daily", Of(plan, "early-verified").Rule);
        Assert.Equal(RetentionAction.Delete, Of(plan, "late-unverified").Action);
    }

    [Theory]
    [InlineData(0, 0, 0, 0, 0)]
    [InlineData(1, 0, 0, 0, 0)]
    [InlineData(0, 1, 0, 0, 0)]
    [InlineData(0, 0, 1, 1, 1)]
    public void The_newest_verified_copy_survives_every_rule(int keepDays, int keepCount, int daily, int weekly, int monthly)
    {
        // The two newest are unverified (one still verifying, one failed); the third is the newest verified, 40 days old.
        var copies = new List<RetentionCopy>
        {
            Copy("new-unverified", Now.AddMinutes(-5), verified: false),
            Copy("failed", Now.AddMinutes(-10), verified: false),
            Copy("verified", Now.AddDays(-40)),
            Copy("older-verified", Now.AddDays(-41)),
        };

        var plan = Plan(copies, new RetentionRules(keepDays, keepCount, daily, weekly, monthly));

        var kept = Of(plan, "verified");
        Assert.Equal(RetentionAction.Keep, kept.Action);
        Assert.Equal("newest-verified", kept.Rule);
        Assert.Equal(RetentionAction.Delete, Of(plan, "older-verified").Action);
    }

    [Fact]
    public void With_rules_that_keep_nothing_only_the_newest_verified_copy_of_each_series_stays()
    {
        var copies = Daily(5).Concat(Daily(3).Select(c => c with { Database = "other", BackupId = "o" + c.BackupId })).ToList();

        var plan = Plan(copies, new RetentionRules());

        Assert.Equal(["d01", "od01"], Ids(plan, RetentionAction.Keep));
        Assert.Equal(6, Ids(plan, RetentionAction.Delete).Length);
    }

    [Fact]
    public void The_newest_verified_backup_is_kept_on_every_target_even_where_its_copy_is_unverified_and_each_target_keeps_its_own_newest_verified()
    {
        var copies = new List<RetentionCopy>
        {
            Copy("b2", Now.AddDays(-50), "s3"),
            Copy("b2", Now.AddDays(-50), "local", verified: false),
            Copy("b1", Now.AddDays(-60), "local"),
            Copy("b1", Now.AddDays(-60), "s3"),
            Copy("b0", Now.AddDays(-70), "local"),
        };

        var plan = Plan(copies, new RetentionRules(KeepDays: 1));

        Assert.Equal("newest-verified", Of(plan, "b2", "local").Rule);
        Assert.Equal("newest-verified", Of(plan, "b2", "s3").Rule);
        Assert.Equal("min-verified", Of(plan, "b1", "local").Rule);
        Assert.Equal(RetentionAction.Delete, Of(plan, "b1", "s3").Action);
        Assert.Equal(RetentionAction.Delete, Of(plan, "b0", "local").Action);
    }

    [Fact]
    public void Min_verified_to_keep_keeps_more_verified_copies_per_target()
    {
        var plan = Plan(Daily(5), new RetentionRules(KeepDays: 1), i => i with { MinVerifiedToKeep = 3 });

        Assert.Equal(["d01", "d02", "d03"], Ids(plan, RetentionAction.Keep));
        Assert.Equal("min-verified", Of(plan, "d03").Rule);
    }

    [Fact]
    public void A_copy_under_a_restore_lease_is_kept_on_every_target()
    {
        var copies = Daily(10, "local").Concat(Daily(10, "s3")).ToList();
        var until = Now.AddHours(6);

        var plan = Plan(copies, new RetentionRules(KeepCount: 2), i => i with { Leases = new Dictionary<string, DateTimeOffset> { ["d08"] = until } });

        Assert.All(plan.Decisions.Where(d => d.Copy.BackupId == "d08"), d =>
        {
            Assert.Equal(RetentionAction.Keep, d.Action);
            Assert.Equal("restore-lease", d.Rule);
            Assert.Contains("lease until 2027-01-01 06:00:00Z", d.Reason);
        });
        Assert.Equal(["d01", "d02", "d08"], Ids(plan, RetentionAction.Keep, "s3"));
    }

    [Fact]
    public void A_locked_copy_that_would_go_is_skipped_with_its_lock_end_and_an_expired_lock_does_not_hold()
    {
        var copies = Daily(4);
        copies[2] = copies[2] with { LockedUntil = Now.AddDays(30) };
        copies[3] = copies[3] with { LockedUntil = Now.AddDays(-1) };
        copies[0] = copies[0] with { LockedUntil = Now.AddDays(30) };

        var plan = Plan(copies, new RetentionRules(KeepCount: 2));

        var locked = Of(plan, "d03");
        Assert.Equal(RetentionAction.Locked, locked.Action);
        Assert.Equal("locked", locked.Rule);
        Assert.StartsWith("locked until 2027-01-31 00:00:00Z", locked.Reason);
        Assert.Equal(RetentionAction.Delete, Of(plan, "d04").Action);
        Assert.Equal(RetentionAction.Keep, Of(plan, "d01").Action); // a lock on a kept copy changes nothing
    }

    [Fact]
    public void An_orphan_manifest_whose_deletion_was_started_is_finished_and_is_never_a_good_copy()
    {
        var copies = Daily(3);
        copies[0] = copies[0] with { ArtifactPresent = false }; // the newest: its artifact is gone

        var plan = Plan(copies, new RetentionRules(KeepCount: 1),
            i => i with { UnfinishedDeletions = new HashSet<string> { RetentionPlanInput.DeletionKey("d01", "LOCAL") } });

        var orphan = Of(plan, "d01");
        Assert.Equal(RetentionAction.Delete, orphan.Action);
        Assert.Equal("orphan-manifest", orphan.Rule);
        // Not the newest verified, not counted by keep-count: d02 holds both places.
        Assert.Equal("newest-verified", Of(plan, "d02").Rule);
        Assert.Contains("keep-count", Of(plan, "d02").Reason);
        Assert.Equal(RetentionAction.Delete, Of(plan, "d03").Action);
    }

    [Fact]
    public void An_orphan_manifest_nobody_deleted_is_kept_as_damage_for_the_integrity_check()
    {
        var copies = Daily(3);
        copies[2] = copies[2] with { ArtifactPresent = false };

        var plan = Plan(copies, new RetentionRules(KeepCount: 1));

        Assert.Equal(RetentionAction.Keep, Of(plan, "d03").Action);
        Assert.Equal("artifact-missing", Of(plan, "d03").Rule);
    }

    [Fact]
    public void Copies_in_an_unreachable_target_count_as_verified_and_get_no_decision()
    {
        var copies = new List<RetentionCopy>
        {
            Copy("b2", Now.AddDays(-50), "local", verified: false),
            Copy("b2", Now.AddDays(-50), "azure") with { Unreachable = true },
            Copy("b1", Now.AddDays(-60), "local"),
        };

        var plan = Plan(copies, new RetentionRules(KeepDays: 1));

        Assert.DoesNotContain(plan.Decisions, d => d.Copy.Target == "azure");
        Assert.Equal("newest-verified", Of(plan, "b2").Rule);
        Assert.Equal("min-verified", Of(plan, "b1").Rule);
    }
}
