using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Integrity;

namespace BackupFunctions.Workflows.Tests.Integrity;

/// <summary>The rotation's arithmetic and selection (docs/integrity.md), on catalog rows made up here.</summary>
public sealed class IntegrityRotationTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(7 * 24, 1, 168)]
    [InlineData(24, 1, 24)]
    [InlineData(1, 1, 1)]
    [InlineData(24, 5, 4)] // 24 h / 5 h: 4 whole runs fit
    [InlineData(1, 2, 1)]  // a period shorter than the interval still has one run
    public void Runs_per_period_is_the_whole_number_of_intervals_in_the_period(int periodHours, int intervalHours, int expected) =>
        Assert.Equal(expected, IntegrityRotation.RunsPerPeriod(TimeSpan.FromHours(periodHours), TimeSpan.FromHours(intervalHours)));

    [Theory]
    [InlineData(0, 168, 0)]
    [InlineData(1, 168, 1)]
    [InlineData(168, 168, 1)]
    [InlineData(169, 168, 2)]
    [InlineData(1000, 168, 6)]
    [InlineData(1000, 1, 1000)]
    public void The_slice_is_the_copies_divided_by_the_runs_rounded_up(int copies, int runs, int expected) =>
        Assert.Equal(expected, IntegrityRotation.SliceSize(copies, runs));

    [Fact]
    public void A_zero_interval_is_refused_with_a_clear_error() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => IntegrityRotation.RunsPerPeriod(TimeSpan.FromDays(7), TimeSpan.Zero));

    [Fact]
    public void The_oldest_full_reads_are_taken_first_and_the_rest_only_get_the_cheap_check()
    {
        var options = new IntegrityOptions { FullCyclePeriod = TimeSpan.FromHours(4), RunInterval = TimeSpan.FromHours(1) };
        var copies = Enumerable.Range(0, 10).Select(i => Copy($"b{i}", Now.AddMinutes(-10 * i))).ToList();

        var plan = IntegrityRotation.Plan(copies, Now, options);

        Assert.Equal(4, plan.RunsPerPeriod);
        Assert.Equal(3, plan.SliceSize);
        Assert.Equal(["b9", "b8", "b7"], plan.FullReads.Select(c => c.BackupId));
        Assert.Equal(7, plan.Others.Count);
    }

    [Fact]
    public void Run_after_run_every_copy_is_read_within_the_period()
    {
        var options = new IntegrityOptions { FullCyclePeriod = TimeSpan.FromHours(24), RunInterval = TimeSpan.FromHours(1) };
        var rng = new Random(7);
        var copies = Enumerable.Range(0, 100).Select(i => Copy($"b{i:D3}", Now.AddMinutes(-rng.Next(0, 600)))).ToList();
        var lastRead = copies.ToDictionary(c => c.BackupId, c => c.LastFullRead!.Value);
        var worstGap = TimeSpan.Zero;

        for (var run = 1; run <= 72; run++)
        {
            var at = Now.AddHours(run);
            var plan = IntegrityRotation.Plan(copies, at, options);
            foreach (var read in plan.FullReads)
            {
                worstGap = TimeSpan.FromTicks(Math.Max(worstGap.Ticks, (at - lastRead[read.BackupId]).Ticks));
                lastRead[read.BackupId] = at;
            }

            copies = copies.Select(c => c with { LastCheckedAt = lastRead[c.BackupId] }).ToList();
            Assert.All(lastRead.Values, t => Assert.True(at - t <= options.FullCyclePeriod, $"a copy was last read at {t}, more than a period before {at}"));
        }

        Assert.True(worstGap <= options.FullCyclePeriod, $"worst gap {worstGap}");
        Assert.True(worstGap >= TimeSpan.FromHours(20), $"worst gap {worstGap}: the slice reads far more than needed");
    }

    [Fact]
    public void Copies_that_would_be_late_by_the_next_run_are_all_read_now_even_beyond_the_slice()
    {
        var options = new IntegrityOptions { FullCyclePeriod = TimeSpan.FromDays(7), RunInterval = TimeSpan.FromHours(1) };
        // 5 copies never read since backup 7 days ago, 5 read an hour ago: the slice would be 1.
        var copies = Enumerable.Range(0, 5).Select(i => Copy($"old{i}", Now.AddDays(-7)))
            .Concat(Enumerable.Range(0, 5).Select(i => Copy($"new{i}", Now.AddHours(-1)))).ToList();

        var plan = IntegrityRotation.Plan(copies, Now, options);

        Assert.Equal(1, plan.SliceSize);
        Assert.Equal(5, plan.Overdue);
        Assert.Equal(5, plan.FullReads.Count);
        Assert.All(plan.FullReads, c => Assert.StartsWith("old", c.BackupId));
    }

    [Fact]
    public void Copies_marked_corrupt_are_read_every_run_on_top_of_the_slice_and_never_verified_copies_have_no_read_time()
    {
        var options = new IntegrityOptions();
        var copies = new List<CatalogCopyState>
        {
            Copy("fine", Now.AddHours(-2)),
            Copy("fine2", Now.AddHours(-3)),
            Copy("broken", Now.AddHours(-1)) with { Verified = false, LastError = "SHA-256 mismatch" },
        };

        var plan = IntegrityRotation.Plan(copies, Now, options);

        Assert.Equal(["broken", "fine2"], plan.FullReads.Select(c => c.BackupId));
        Assert.Equal(["fine"], plan.Others.Select(c => c.BackupId));
        Assert.True(copies[2].MarkedCorrupt);
        Assert.False(copies[0].MarkedCorrupt);
    }

    [Fact]
    public void The_settings_check_refuses_a_period_shorter_than_the_interval()
    {
        var problems = new IntegrityOptions { FullCyclePeriod = TimeSpan.FromMinutes(30), RunInterval = TimeSpan.FromHours(1) }.Validate().ToList();
        Assert.Contains(problems, p => p.Contains("FullCyclePeriod"));
        Assert.Empty(new IntegrityOptions().Validate());
    }

    private static CatalogCopyState Copy(string backupId, DateTimeOffset lastRead) =>
        new(backupId, "local", $"backups/db/{backupId}/artifact.bfa", new string('a', 64), 100, true, lastRead, lastRead, null, null);
}
