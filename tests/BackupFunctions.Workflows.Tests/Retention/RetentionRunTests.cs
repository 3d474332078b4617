using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Targets;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Catalog.Postgres;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Retention;
using BackupFunctions.Workflows.Tests.Support;

namespace BackupFunctions.Workflows.Tests.Retention;

/// <summary>
/// Retention against the three real targets (a directory, s3rver, Azurite) and a real PostgreSQL catalog: a dry run
/// deletes nothing, apply deletes artifact then manifest and records each deletion, a deletion stopped halfway is
/// finished by the next run, a locked copy is skipped, a copy under a restore lease is kept.
/// </summary>
public sealed class RetentionRunTests : IAsyncLifetime
{
    private ThreeTargets _targets = null!;
    private TempDatabase _control = null!;
    private PostgresBackupCatalog _catalog = null!;
    private PostgresRetentionLedger _ledger = null!;
    private BackupEnvironment _env = null!;

    public async Task InitializeAsync()
    {
        _targets = await ThreeTargets.CreateAsync("postgres");
        _control = await TempDatabase.CreateAsync("wf_retention");
        _catalog = new PostgresBackupCatalog(_control.ConnectionString);
        _ledger = new PostgresRetentionLedger(Npgsql.NpgsqlDataSource.Create(_control.ConnectionString), "bf_catalog", _catalog);
        _env = _targets.Environment();
    }

    public async Task DisposeAsync()
    {
        await _targets.DisposeAsync();
        await _control.DisposeAsync();
    }

    private Task<BackupManifest> BackupAsync(int daysOld) => SyntheticBackup.WriteAsync(_env.Targets, _env.Keys, _catalog, daysOld);

    private RetentionRun Run(IReadOnlyList<IBackupTarget>? targets = null, RetentionOptions? rules = null) =>
        new(targets ?? _env.Targets, _env.Keys, rules ?? new RetentionOptions { DefaultKeepDays = 3 }, _ledger, _catalog);

    private static async Task<bool> ExistsAsync(IBackupTarget target, string key) => await target.StatAsync(key) is not null;

    [Fact]
    public async Task A_dry_run_plans_deletions_and_deletes_nothing()
    {
        var old = await BackupAsync(10);
        await BackupAsync(1);
        var before = await _targets.SnapshotAsync();

        var planned = await Run().PlanAsync(DateTimeOffset.UtcNow, default);

        Assert.Equal(3, planned.Plan.ToDelete.Count());
        Assert.All(planned.Plan.ToDelete, d => Assert.Equal(old.BackupId, d.Copy.BackupId));
        Assert.Equal(before, await _targets.SnapshotAsync());
        Assert.Equal(12, before.Count); // an artifact and a manifest, two backups, three targets
        Assert.Empty(await _ledger.ListDeletionsAsync());
        Assert.Equal(3, (await _catalog.GetBackupAsync(old.BackupId))!.Copies.Count);
    }

    [Fact]
    public async Task Apply_deletes_the_expired_copies_artifact_then_manifest_records_each_and_keeps_the_rest()
    {
        var old = await BackupAsync(10);
        var older = await BackupAsync(20);
        var recent = await BackupAsync(1);
        var run = Run();

        var applied = await run.ApplyAsync((await run.PlanAsync(DateTimeOffset.UtcNow, default)).Plan, null, "inst-1", default);

        Assert.Empty(applied.Failed);
        Assert.Equal(6, applied.Deleted.Count);
        foreach (var target in _env.Targets)
        {
            foreach (var gone in new[] { old, older })
            {
                Assert.False(await ExistsAsync(target, gone.ArtifactKey), $"{gone.BackupId} artifact in {target.Name}");
                Assert.False(await ExistsAsync(target, ObjectKeys.For(gone).Manifest));
            }

            Assert.True(await ExistsAsync(target, recent.ArtifactKey));
            Assert.True(await ExistsAsync(target, ObjectKeys.For(recent).Manifest));
        }

        var deletions = await _ledger.ListDeletionsAsync();
        Assert.Equal(6, deletions.Count);
        Assert.All(deletions, d =>
        {
            Assert.Equal("expired", d.Rule);
            Assert.Equal("inst-1", d.InstanceId);
            Assert.NotNull(d.CompletedAt);
            Assert.EndsWith("/artifact.bfa", d.ObjectKey);
        });
        Assert.Equal([ThreeTargets.Azure, ThreeTargets.Local, ThreeTargets.S3], deletions.Where(d => d.BackupId == old.BackupId).Select(d => d.Target).Order());
        Assert.Empty((await _catalog.GetBackupAsync(old.BackupId))!.Copies);
        Assert.Equal(3, (await _catalog.GetBackupAsync(recent.BackupId))!.Copies.Count);
        Assert.Empty((await run.PlanAsync(DateTimeOffset.UtcNow, default)).Plan.ToDelete);
    }

    [Fact]
    public async Task The_newest_verified_copy_survives_rules_that_would_delete_everything()
    {
        var newest = await BackupAsync(40);
        var older = await BackupAsync(50);
        var rules = new RetentionOptions { DefaultKeepDays = 0 };
        var run = Run(rules: rules);

        await run.ApplyAsync((await run.PlanAsync(DateTimeOffset.UtcNow, default)).Plan, null, null, default);

        foreach (var t in _env.Targets)
        {
            Assert.True(await ExistsAsync(t, newest.ArtifactKey), t.Name);
            Assert.False(await ExistsAsync(t, older.ArtifactKey), t.Name);
        }
    }

    [Fact]
    public async Task A_deletion_that_fails_after_the_artifact_is_finished_by_the_next_run()
    {
        var old = await BackupAsync(10);
        await BackupAsync(1);
        var faulty = _env.Targets.Select(t => new DeleteFaultTarget(t)).ToList();
        var s3 = faulty.Single(t => t.Name == ThreeTargets.S3);
        s3.FailDelete = key => key.EndsWith("/manifest.json", StringComparison.Ordinal) ? new TargetException(s3.Name, "injected: connection reset", isTransient: true) : null;
        var manifestKey = ObjectKeys.For(old).Manifest;

        var first = await Run(faulty).ApplyAsync((await Run(faulty).PlanAsync(DateTimeOffset.UtcNow, default)).Plan, null, "run-1", default);

        var failure = Assert.Single(first.Failed);
        Assert.Contains("injected", failure);
        Assert.False(await ExistsAsync(s3, old.ArtifactKey));
        Assert.True(await ExistsAsync(s3, manifestKey));
        Assert.Single(await _ledger.UnfinishedDeletionsAsync());

        // The next run sees the orphan manifest, never as a good copy, and finishes the deletion.
        s3.FailDelete = null;
        var planned = await Run(faulty).PlanAsync(DateTimeOffset.UtcNow, default);
        var orphan = Assert.Single(planned.Plan.ToDelete);
        Assert.Equal((old.BackupId, ThreeTargets.S3, "orphan-manifest"), (orphan.Copy.BackupId, orphan.Copy.Target, orphan.Rule));
        Assert.False(orphan.Copy.ArtifactPresent);
        var second = await Run(faulty).ApplyAsync(planned.Plan, null, "run-2", default);

        Assert.Single(second.Deleted);
        Assert.False(await ExistsAsync(s3, manifestKey));
        Assert.Empty(await _ledger.UnfinishedDeletionsAsync());
        Assert.Contains(await _ledger.ListDeletionsAsync(), d => d.InstanceId == "run-2" && d.Rule == "orphan-manifest" && d.Target == ThreeTargets.S3);
    }

    [Fact]
    public async Task A_locked_copy_is_skipped_with_its_lock_end_not_an_error()
    {
        var old = await BackupAsync(10);
        await BackupAsync(1);
        var faulty = _env.Targets.Select(t => new DeleteFaultTarget(t)).ToList();
        var azure = faulty.Single(t => t.Name == ThreeTargets.Azure);
        var until = DateTimeOffset.UtcNow.AddDays(30);
        azure.Locks[old.ArtifactKey] = until;
        azure.Locks[ObjectKeys.For(old).Manifest] = until;
        var run = Run(faulty);

        var planned = await run.PlanAsync(DateTimeOffset.UtcNow, default);
        var applied = await run.ApplyAsync(planned.Plan, null, null, default);

        var locked = Assert.Single(planned.Plan.Decisions, d => d.Action == RetentionAction.Locked);
        Assert.Equal((old.BackupId, ThreeTargets.Azure), (locked.Copy.BackupId, locked.Copy.Target));
        Assert.StartsWith($"locked until {until:u}", locked.Reason);
        Assert.Empty(applied.Failed);
        Assert.Equal(2, applied.Deleted.Count);
        Assert.Empty(azure.Deletes);
        Assert.True(await ExistsAsync(azure, old.ArtifactKey));
    }

    [Fact]
    public async Task A_copy_under_a_restore_lease_is_kept_until_the_lease_is_released()
    {
        var old = await BackupAsync(10);
        await BackupAsync(1);
        var lease = await _ledger.AcquireRestoreLeaseAsync(old.BackupId, "restore-instance", TimeSpan.FromHours(1));
        var run = Run();

        var planned = await run.PlanAsync(DateTimeOffset.UtcNow, default);
        var applied = await run.ApplyAsync(planned.Plan, null, null, default);

        Assert.Empty(applied.Deleted);
        Assert.All(planned.Plan.Decisions.Where(d => d.Copy.BackupId == old.BackupId), d => Assert.Equal("restore-lease", d.Rule));
        foreach (var t in _env.Targets) Assert.True(await ExistsAsync(t, old.ArtifactKey), t.Name);

        await _ledger.ReleaseRestoreLeaseAsync(lease);
        var after = await run.ApplyAsync((await run.PlanAsync(DateTimeOffset.UtcNow, default)).Plan, null, null, default);
        Assert.Equal(3, after.Deleted.Count);
    }

    [Fact]
    public async Task A_lease_taken_after_the_plan_was_made_still_wins()
    {
        var old = await BackupAsync(10);
        await BackupAsync(1);
        var run = Run();
        var planned = await run.PlanAsync(DateTimeOffset.UtcNow, default);
        await _ledger.AcquireRestoreLeaseAsync(old.BackupId, "late-restore", TimeSpan.FromHours(1));

        var applied = await run.ApplyAsync(planned.Plan, null, null, default);

        Assert.Empty(applied.Deleted);
        Assert.Equal(3, applied.LeasedSincePlan.Count);
        foreach (var t in _env.Targets) Assert.True(await ExistsAsync(t, old.ArtifactKey), t.Name);
    }

    [Fact]
    public async Task A_restore_holds_its_lease_while_it_reads_and_releases_it_after_and_a_lease_that_cannot_be_taken_does_not_stop_it()
    {
        var old = await BackupAsync(10);
        var logger = NoLog;

        var during = await RestoreLease.HoldingAsync(_ledger, old.BackupId, "restore-1", TimeSpan.FromHours(1), logger,
            async () => await _ledger.ActiveLeasesAsync(), default);
        var after = await _ledger.ActiveLeasesAsync();
        var broken = UnreachableLedger();
        var ran = await RestoreLease.HoldingAsync(broken, old.BackupId, "restore-2", TimeSpan.FromHours(1), logger, () => Task.FromResult(true), default);

        Assert.True(during.ContainsKey(old.BackupId));
        Assert.False(after.ContainsKey(old.BackupId));
        Assert.True(ran);
    }

    [Fact]
    public async Task A_lease_taken_beside_the_preparation_is_held_once_the_work_waits_for_it_and_a_failed_one_still_lets_it_read()
    {
        var old = await BackupAsync(10);
        var logger = NoLog;

        var during = await RestoreLease.HoldingAsync(_ledger, old.BackupId, "restore-3", TimeSpan.FromHours(1), logger, async taken =>
        {
            await taken;
            return await _ledger.ActiveLeasesAsync();
        }, default);
        var after = await _ledger.ActiveLeasesAsync();
        var broken = UnreachableLedger();
        var readAnyway = await RestoreLease.HoldingAsync(broken, old.BackupId, "restore-4", TimeSpan.FromHours(1), logger, async taken =>
        {
            await taken;
            return taken.IsCompletedSuccessfully;
        }, default);

        Assert.True(during.ContainsKey(old.BackupId));
        Assert.False(after.ContainsKey(old.BackupId));
        Assert.True(readAnyway);
    }

    [Fact]
    public async Task Work_that_fails_before_the_lease_is_taken_still_releases_it()
    {
        var old = await BackupAsync(10);
        var logger = NoLog;

        await Assert.ThrowsAsync<InvalidOperationException>(() => RestoreLease.HoldingAsync<int>(_ledger, old.BackupId, "restore-5",
            TimeSpan.FromHours(1), logger, _ => throw new InvalidOperationException("the destination is unreachable"), default));

        Assert.False((await _ledger.ActiveLeasesAsync()).ContainsKey(old.BackupId));
    }

    private static Microsoft.Extensions.Logging.ILogger NoLog => Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>A ledger whose control database cannot be reached: a lease on it cannot be taken.</summary>
    private static PostgresRetentionLedger UnreachableLedger() =>
        new PostgresRetentionLedger(Npgsql.NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Timeout=2"), "bf_catalog", new PostgresBackupCatalog("Host=127.0.0.1;Port=1;Timeout=2"));
}
