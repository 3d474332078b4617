using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Testing;
using Xunit.Abstractions;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>
/// BackupPipeline with DumpJobs &gt; 1 against the real server: pg_dump --format=directory --jobs=2,
/// each table file streamed into the artifact while it is written, and every restore mode reading it
/// back from an unpacked directory. Scratch and staging directories never keep data in the clear.
/// </summary>
[Collection(SampleDatabaseCollection.Name)]
public sealed class ParallelDumpTests(SampleDatabaseFixture sample, ITestOutputHelper output) : IDisposable
{
    private static readonly KeyRing Ring = new KeyRing().Add(TestKeys.Fixed("pdump-key", 11), makeCurrent: true);
    private readonly string _scratch = Directory.CreateTempSubdirectory("bf-pdump-scratch-").FullName;
    private readonly string _staging = Directory.CreateTempSubdirectory("bf-pdump-staging-").FullName;

    public void Dispose()
    {
        Directory.Delete(_scratch, recursive: true);
        Directory.Delete(_staging, recursive: true);
    }

    private BackupOptions Options(int jobs = 2) => new(new ArtifactEncodeOptions(Ring.Current) { Compression = CompressionKind.Zstd })
    {
        DumpJobs = jobs,
        ScratchDirectory = _scratch,
        ParallelMinDatabaseBytes = 0,
    };

    private async Task<(BackupResult Result, byte[] Artifact)> BackupAsync(BackupOptions? options = null, ListLogger<BackupPipeline>? logger = null)
    {
        using var artifact = new MemoryStream();
        var result = await new BackupPipeline(Pg.Runner(), logger).RunAsync(Pg.Connection(sample.Name), artifact, options ?? Options());
        return (result, artifact.ToArray());
    }

    private RestoreOptions Restore(BackupResult backup, int jobs) => new()
    {
        ExpectedStoredSha256 = backup.StoredSha256,
        ExpectedPlainSha256 = backup.PlainSha256,
        Jobs = jobs,
        StagingDirectory = _staging,
        PlainBytes = backup.RawBytes,
        DumpFormat = backup.DumpFormat,
    };

    private async Task AssertSameAsSampleAsync(string database)
    {
        var expected = await new DatabaseInspector(Pg.Connection(sample.Name)).CountRowsAsync();
        var actual = await new DatabaseInspector(Pg.Connection(database)).CountRowsAsync();
        Assert.Equal(80000L, actual["sales.order_items"]);
        Assert.Equal(expected.OrderBy(p => p.Key), actual.OrderBy(p => p.Key));
        Assert.Equal(await Pg.SchemaAsync(sample.Name), await Pg.SchemaAsync(database));
    }

    [Fact]
    public async Task ATwoJobDumpIsADirectoryBundleWithRowCountsAndLeavesNoScratchFiles()
    {
        var logger = new ListLogger<BackupPipeline>();
        var (backup, artifact) = await BackupAsync(logger: logger);

        Assert.Equal(DumpFormats.Directory, backup.DumpFormat);
        Assert.Equal(2, backup.DumpJobs);
        Assert.Equal(80000L, backup.RowCounts!["sales.order_items"]);
        Assert.Equal(artifact.Length, backup.StoredBytes);
        Assert.Contains(logger.Entries, e => e.Message.Contains("--jobs=2", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_scratch));

        // The plain bytes are a bundle, never a pg_dump archive.
        var plain = new MemoryStream();
        await ArtifactDecoder.DecodeToAsync(new MemoryStream(artifact), Ring, plain, backup.StoredSha256);
        Assert.True(plain.ToArray().AsSpan(0, 8).SequenceEqual(DirectoryArchive.DirectoryBundle.Magic));
        Assert.Equal(backup.RawBytes, plain.Length);
    }

    [Fact]
    public async Task AParallelDumpRestoresWithTwoJobsIntoANewDatabase()
    {
        var (backup, artifact) = await BackupAsync();
        await using var target = await TempDatabase.CreateAsync("pdump_j2");

        var result = await new RestorePipeline(Pg.Runner()).RunAsync(new MemoryStream(artifact), Ring, Pg.Connection(target.Name), Restore(backup, 2));
        output.WriteLine($"{result.Mode} in {result.Duration.TotalSeconds:F2} s");

        Assert.Equal(RestoreModes.Parallel(2), result.Mode);
        Assert.Equal(backup.PlainSha256, result.PlainSha256);
        await AssertSameAsSampleAsync(target.Name);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_staging));
    }

    [Fact]
    public async Task WithTwoJobsTheSchemaIsCreatedInOneTransactionSoAFailureLeavesNoneOfIt()
    {
        var (backup, artifact) = await BackupAsync();
        await using var target = await TempDatabase.CreateAsync("pdump_pre");
        // The dump's last schema already exists: its CREATE SCHEMA fails after the other schemas were created.
        await target.ExecuteAsync("CREATE SCHEMA sales");

        var e = await Assert.ThrowsAsync<PgToolException>(() =>
            new RestorePipeline(Pg.Runner()).RunAsync(new MemoryStream(artifact), Ring, Pg.Connection(target.Name), Restore(backup, 2)));
        output.WriteLine(e.Message);

        Assert.Contains("sales", e.ToString(), StringComparison.Ordinal);
        // Rolled back whole: not even the schemas that came before it, and pg_restore -j never started.
        Assert.Equal(0L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname IN ('auth', 'inventory')"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_staging));
    }

    [Fact]
    public async Task AParallelDumpRestoresInOneTransactionWithOneJob()
    {
        var (backup, artifact) = await BackupAsync();
        await using var target = await TempDatabase.CreateAsync("pdump_j1");

        var result = await new RestorePipeline(Pg.Runner()).RunAsync(new MemoryStream(artifact), Ring, Pg.Connection(target.Name), Restore(backup, 1));

        Assert.Equal(RestoreModes.FileSingleTransaction, result.Mode);
        await AssertSameAsSampleAsync(target.Name);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_staging));
    }

    [Fact]
    public async Task AParallelDumpRestoresThroughTheSetFilterWhenAsked()
    {
        var (backup, artifact) = await BackupAsync();
        await using var target = await TempDatabase.CreateAsync("pdump_filter");

        var result = await new RestorePipeline(Pg.Runner()).RunAsync(new MemoryStream(artifact), Ring, Pg.Connection(target.Name),
            Restore(backup, 2) with { SetFilter = SetFilterMode.Always });

        Assert.Equal(RestoreModes.Filtered, result.Mode);
        await AssertSameAsSampleAsync(target.Name);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_staging));
    }

    [Fact]
    public async Task ADamagedParallelDumpRestoresNothingAndLeavesNoStagedFiles()
    {
        var (backup, artifact) = await BackupAsync();
        artifact[artifact.Length / 2] ^= 0x08;
        await using var target = await TempDatabase.CreateAsync("pdump_bad");

        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => new RestorePipeline(Pg.Runner())
            .RunAsync(new MemoryStream(artifact), Ring, Pg.Connection(target.Name), Restore(backup, 2)));

        Assert.Equal(0L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname IN ('sales', 'auth', 'inventory')"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_staging));
    }

    [Fact]
    public async Task WithoutAStagingDirectoryOrRoomAParallelDumpIsRefusedWithAReason()
    {
        var (backup, artifact) = await BackupAsync();
        await using var target = await TempDatabase.CreateAsync("pdump_nostage");
        var pipeline = new RestorePipeline(Pg.Runner());

        var none = await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.RunAsync(new MemoryStream(artifact), Ring,
            Pg.Connection(target.Name), Restore(backup, 2) with { StagingDirectory = null }));
        Assert.Contains("staging directory", none.Message, StringComparison.Ordinal);

        var full = await Assert.ThrowsAsync<IOException>(() => pipeline.RunAsync(new MemoryStream(artifact), Ring,
            Pg.Connection(target.Name), Restore(backup, 2) with { FreeSpaceProbe = _ => backup.RawBytes / 2 }));
        Assert.Contains("Not enough space", full.Message, StringComparison.Ordinal);

        Assert.Equal(0L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname = 'sales'"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_staging));
    }

    [Fact]
    public async Task SmallDatabasesAndMissingScratchOrRoomStreamOneArchive()
    {
        var logger = new ListLogger<BackupPipeline>();
        var (small, _) = await BackupAsync(Options() with { ParallelMinDatabaseBytes = long.MaxValue });
        var (noScratch, _) = await BackupAsync(Options() with { ScratchDirectory = null }, logger);
        var (noRoom, _) = await BackupAsync(Options() with { FreeSpaceProbe = _ => 1024 }, logger);
        var (oneJob, _) = await BackupAsync(Options(jobs: 1));

        Assert.All(new[] { small, noScratch, noRoom, oneJob }, r => Assert.Equal(DumpFormats.Custom, r.DumpFormat));
        Assert.All(new[] { small, noScratch, noRoom, oneJob }, r => Assert.Equal(1, r.DumpJobs));
        Assert.Contains(logger.Entries, e => e.Message.Contains("no scratch directory", StringComparison.Ordinal));
        Assert.Contains(logger.Entries, e => e.Message.Contains("bytes free", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFailingParallelDumpReportsPgDumpsErrorAndLeavesNoScratchFiles()
    {
        var options = Options() with { ExtraDumpArguments = ["--strict-names", "--table=no_such_table_anywhere"] };

        var e = await Assert.ThrowsAsync<PgToolException>(() => BackupAsync(options));
        output.WriteLine(e.Message);

        Assert.Contains("no_such_table_anywhere", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_scratch));
    }

    [Fact]
    public async Task CountingRowsInSeveralSessionsGivesTheSameCountsAsOne()
    {
        var inspector = new DatabaseInspector(Pg.Connection(sample.Name));
        var one = await inspector.CountRowsAsync();
        var three = await inspector.CountRowsAsync(sessions: 3);

        Assert.Equal(80000L, three["sales.order_items"]);
        Assert.Equal(one.OrderBy(p => p.Key), three.OrderBy(p => p.Key));
        Assert.Equal(one.Keys, three.Keys);
    }
}
