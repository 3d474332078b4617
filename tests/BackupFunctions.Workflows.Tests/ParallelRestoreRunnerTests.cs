using BackupFunctions.Pipeline;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Operations;
using BackupFunctions.Workflows.Restore;
using BackupFunctions.Workflows.Tests.Support;
using BackupFunctions.Workflows.Verification;

namespace BackupFunctions.Workflows.Tests;

/// <summary>
/// RestoreRunner runs pg_restore -j only into a database it created (which it drops if the restore
/// fails); into an existing database it keeps the streaming restore in one transaction.
/// </summary>
[Collection(SampleDatabaseCollection.Name)]
public sealed class ParallelRestoreRunnerTests(SampleDatabaseFixture sample)
{
    private static BackupFunctionsOptions WithJobs(BackupFunctionsOptions o, int? jobs, DumpSettings? dump = null) => new()
    {
        Source = o.Source,
        Keys = o.Keys,
        StagingDirectory = o.StagingDirectory,
        Targets = o.Targets,
        Restore = new RestoreSettings { Jobs = jobs },
        Dump = dump ?? new DumpSettings { Jobs = 1 },
    };

    [Fact]
    public async Task A_parallel_dump_reaches_every_target_and_restores_into_new_and_existing_databases()
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        var env = targets.Environment(options: WithJobs(targets.Options, 2, new DumpSettings { Jobs = 2, ParallelMinBytes = 0 }));
        var backup = await new DirectBackupRunner(env).RunAsync(null, null);
        Assert.Equal(BackupRunStatus.Succeeded, backup.Status);
        Assert.Equal(3, backup.Manifest!.Copies.Count(c => c.Verified));
        Assert.Equal(DumpFormats.Directory, backup.Manifest.DumpFormat);
        Assert.Equal(2, backup.Manifest.DumpJobs);
        Assert.Empty(Directory.EnumerateDirectories(targets.Options.StagingDirectory, "dump-*"));
        var entry = (await TargetCatalogReader.ReadAsync(env.Targets, env.Keys, sample.Name)).Resolve("latest");
        Assert.Equal(DumpFormats.Directory, entry.Manifest.DumpFormat);

        // A full read of each copy knows a directory bundle is what a parallel dump holds (it once called it "not a pg_dump archive").
        var verified = await new VerifyRunner(env).RunAsync(entry);
        Assert.Equal(3, verified.Copies.Count);
        Assert.All(verified.Copies, c => Assert.True(c.Intact, c.Error));
        // The same bytes under a manifest that claims a one-stream dump are not what that backup should hold.
        var claimed = await new VerifyRunner(env).RunAsync(entry with { Manifest = entry.Manifest with { DumpFormat = null } });
        Assert.All(claimed.Copies, c => Assert.Contains("holds a parallel dump's directory bundle, not a pg_dump custom-format archive", c.Error));

        var created = "wf_pdump_" + Guid.NewGuid().ToString("N")[..16];
        var existing = "wf_pdump_" + Guid.NewGuid().ToString("N")[..16];
        try
        {
            var fresh = await new RestoreRunner(env).RunAsync(entry, env.Source(created));
            Assert.True(fresh.Succeeded, fresh.Error);
            Assert.Equal(RestoreModes.Parallel(2), fresh.Mode);
            Assert.Equal(await Sql.SchemaAsync(sample.Name), await Sql.SchemaAsync(created));
            Assert.Equal(await Sql.RowCountsAsync(sample.Name), await Sql.RowCountsAsync(created));

            await Sql.LoadTextAsync("postgres", $"CREATE DATABASE \"{existing}\"");
            var into = await new RestoreRunner(env).RunAsync(entry, env.Source(existing));
            Assert.True(into.Succeeded, into.Error);
            Assert.Equal(RestoreModes.FileSingleTransaction, into.Mode);
            Assert.Equal(await Sql.RowCountsAsync(sample.Name), await Sql.RowCountsAsync(existing));
            Assert.Empty(Directory.EnumerateFileSystemEntries(targets.Options.StagingDirectory, "restore-*"));
        }
        finally
        {
            await Sql.DropDatabaseAsync(created);
            await Sql.DropDatabaseAsync(existing);
        }
    }

    [Fact]
    public async Task A_new_database_is_restored_in_parallel_and_an_existing_one_in_one_transaction()
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        var env = targets.Environment(options: WithJobs(targets.Options, 2));
        var backup = await new DirectBackupRunner(env).RunAsync(null, [ThreeTargets.Local]);
        Assert.Equal(BackupRunStatus.Succeeded, backup.Status);
        var entry = (await TargetCatalogReader.ReadAsync(env.Targets, env.Keys, sample.Name)).Resolve("latest");

        var created = "wf_par_" + Guid.NewGuid().ToString("N")[..16];
        var existing = "wf_par_" + Guid.NewGuid().ToString("N")[..16];
        try
        {
            var fresh = await new RestoreRunner(env).RunAsync(entry, env.Source(created));
            Assert.True(fresh.Succeeded, fresh.Error);
            Assert.Equal(RestoreModes.Parallel(2), fresh.Mode);
            Assert.Equal(await Sql.SchemaAsync(sample.Name), await Sql.SchemaAsync(created));
            Assert.Equal(await Sql.RowCountsAsync(sample.Name), await Sql.RowCountsAsync(created));
            Assert.Empty(Directory.EnumerateFiles(targets.Options.StagingDirectory, "restore-*"));

            await Sql.LoadTextAsync("postgres", $"CREATE DATABASE \"{existing}\"");
            var into = await new RestoreRunner(env).RunAsync(entry, env.Source(existing));
            Assert.True(into.Succeeded, into.Error);
            Assert.Equal(RestoreModes.StreamSingleTransaction, into.Mode);
            Assert.Equal(await Sql.RowCountsAsync(sample.Name), await Sql.RowCountsAsync(existing));
        }
        finally
        {
            await Sql.DropDatabaseAsync(created);
            await Sql.DropDatabaseAsync(existing);
        }
    }

    [Fact]
    public async Task One_job_keeps_the_streaming_restore_even_for_a_new_database()
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        var env = targets.Environment(options: WithJobs(targets.Options, 1));
        var backup = await new DirectBackupRunner(env).RunAsync(null, [ThreeTargets.Local]);
        Assert.Equal(BackupRunStatus.Succeeded, backup.Status);
        var entry = (await TargetCatalogReader.ReadAsync(env.Targets, env.Keys, sample.Name)).Resolve("latest");
        var created = "wf_par_" + Guid.NewGuid().ToString("N")[..16];
        try
        {
            var restore = await new RestoreRunner(env).RunAsync(entry, env.Source(created));
            Assert.True(restore.Succeeded, restore.Error);
            Assert.Equal(RestoreModes.StreamSingleTransaction, restore.Mode);
            Assert.Equal(await Sql.RowCountsAsync(sample.Name), await Sql.RowCountsAsync(created));
        }
        finally
        {
            await Sql.DropDatabaseAsync(created);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    [InlineData(65)]
    public void Jobs_outside_1_to_64_is_a_settings_problem(int jobs)
    {
        var problem = Assert.Single(new RestoreSettings { Jobs = jobs }.Validate());
        Assert.Contains("BackupFunctions:Restore:Jobs", problem, StringComparison.Ordinal);
        Assert.Contains(new BackupFunctionsOptions { Restore = new RestoreSettings { Jobs = jobs } }.Validate(), p => p == problem);
    }

    [Fact]
    public void Jobs_defaults_to_the_cores_at_most_four()
    {
        Assert.Empty(new RestoreSettings().Validate());
        Assert.Equal(Math.Min(Environment.ProcessorCount, 4), new RestoreSettings().EffectiveJobs);
        Assert.Equal(1, new RestoreSettings { Jobs = 1 }.EffectiveJobs);
    }

    [Theory]
    [InlineData(0, 0L)]
    [InlineData(65, 0L)]
    [InlineData(2, -1L)]
    public void Dump_jobs_outside_1_to_64_or_a_negative_threshold_is_a_settings_problem(int jobs, long minBytes)
    {
        var problem = Assert.Single(new DumpSettings { Jobs = jobs, ParallelMinBytes = minBytes }.Validate());
        Assert.Contains("BackupFunctions:Dump:", problem, StringComparison.Ordinal);
        Assert.Contains(new BackupFunctionsOptions { Dump = new DumpSettings { Jobs = jobs, ParallelMinBytes = minBytes } }.Validate(), p => p == problem);
        Assert.Empty(new DumpSettings().Validate());
        Assert.Equal(Environment.ProcessorCount < 4 ? 1 : Math.Min(Environment.ProcessorCount, 4), new DumpSettings().EffectiveJobs);
    }
}
