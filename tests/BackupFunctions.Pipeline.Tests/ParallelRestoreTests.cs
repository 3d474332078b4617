using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Testing;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>
/// RestorePipeline with Jobs &gt; 1: decoded to a staged file, offsets patched, pg_restore -j; a
/// damaged artifact restores nothing, a full disk streams instead, and the staged file never stays.
/// </summary>
[Collection(SampleDatabaseCollection.Name)]
public sealed class ParallelRestoreTests(SampleDatabaseFixture sample, ITestOutputHelper output) : IDisposable
{
    private static readonly KeyRing Ring = new KeyRing().Add(TestKeys.Fixed("parallel-key", 9), makeCurrent: true);
    private readonly string _staging = Directory.CreateTempSubdirectory("bf-parallel-staging-").FullName;

    public void Dispose() => Directory.Delete(_staging, recursive: true);

    private async Task<(BackupResult Result, byte[] Artifact)> BackupAsync()
    {
        using var artifact = new MemoryStream();
        var result = await new BackupPipeline(Pg.Runner()).RunAsync(Pg.Connection(sample.Name), artifact,
            new BackupOptions(new ArtifactEncodeOptions(Ring.Current) { Compression = CompressionKind.Zstd }));
        return (result, artifact.ToArray());
    }

    private RestoreOptions Parallel(BackupResult backup) => new()
    {
        ExpectedStoredSha256 = backup.StoredSha256,
        ExpectedPlainSha256 = backup.PlainSha256,
        Jobs = 2,
        StagingDirectory = _staging,
        PlainBytes = backup.RawBytes,
    };

    private async Task AssertSameRowsAsync(string database)
    {
        var expected = await new DatabaseInspector(Pg.Connection(sample.Name)).CountRowsAsync();
        var actual = await new DatabaseInspector(Pg.Connection(database)).CountRowsAsync();
        Assert.Equal(80000L, actual["sales.order_items"]);
        Assert.Equal(expected.OrderBy(p => p.Key), actual.OrderBy(p => p.Key));
    }

    [Fact]
    public async Task WithTwoJobsTheArtifactIsRestoredInParallelAndTheStagedFileDeleted()
    {
        var (backup, artifact) = await BackupAsync();
        await using var target = await TempDatabase.CreateAsync("par_ok");
        var logger = new ListLogger<RestorePipeline>();
        var result = await new RestorePipeline(Pg.Runner(), logger).RunAsync(new MemoryStream(artifact), Ring, Pg.Connection(target.Name), Parallel(backup));
        output.WriteLine($"{result.Mode} in {result.Duration.TotalSeconds:F2} s");

        Assert.Equal(RestoreModes.Parallel(2), result.Mode);
        Assert.Equal(backup.PlainSha256, result.PlainSha256);
        Assert.Contains(logger.Entries, e => e.Message.Contains("pg_restore -j 2", StringComparison.Ordinal));
        await AssertSameRowsAsync(target.Name);
        Assert.Equal(await Pg.SchemaAsync(sample.Name), await Pg.SchemaAsync(target.Name));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_staging));
    }

    [Fact]
    public async Task ADamagedArtifactFailsBeforeAnythingIsRestoredAndLeavesNoStagedFile()
    {
        var (backup, artifact) = await BackupAsync();
        artifact[artifact.Length * 3 / 4] ^= 0x40;
        await using var target = await TempDatabase.CreateAsync("par_bad");

        var e = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => new RestorePipeline(Pg.Runner())
            .RunAsync(new MemoryStream(artifact), Ring, Pg.Connection(target.Name), Parallel(backup)));
        output.WriteLine(e.Message);

        // Not even the schema: pg_restore never started.
        Assert.Equal(0L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"));
        Assert.Equal(0L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname IN ('sales', 'auth', 'inventory')"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_staging));
    }

    [Fact]
    public async Task WithoutEnoughDiskTheRestoreStreamsInOneTransactionAndSaysWhy()
    {
        var (backup, artifact) = await BackupAsync();
        await using var target = await TempDatabase.CreateAsync("par_full");
        var logger = new ListLogger<RestorePipeline>();
        string? probed = null;
        var options = Parallel(backup) with { FreeSpaceProbe = dir => { probed = dir; return backup.RawBytes / 2; } };

        var result = await new RestorePipeline(Pg.Runner(), logger).RunAsync(new MemoryStream(artifact), Ring, Pg.Connection(target.Name), options);

        Assert.Equal(_staging, probed);
        Assert.Equal(RestoreModes.StreamSingleTransaction, result.Mode);
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        output.WriteLine(warning.Message);
        Assert.Contains("not parallel (-j 2)", warning.Message, StringComparison.Ordinal);
        Assert.Contains($"{backup.RawBytes / 2} bytes free", warning.Message, StringComparison.Ordinal);
        await AssertSameRowsAsync(target.Name);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_staging));
    }

    [Fact]
    public async Task AStagingDirectoryThatCannotBeCreatedMeansStreaming()
    {
        var (backup, artifact) = await BackupAsync();
        var aFile = Path.Combine(_staging, "not-a-directory");
        await File.WriteAllTextAsync(aFile, "x");
        await using var target = await TempDatabase.CreateAsync("par_nodir");
        var logger = new ListLogger<RestorePipeline>();

        var result = await new RestorePipeline(Pg.Runner(), logger).RunAsync(new MemoryStream(artifact), Ring, Pg.Connection(target.Name),
            Parallel(backup) with { StagingDirectory = Path.Combine(aFile, "staging") });

        Assert.Equal(RestoreModes.StreamSingleTransaction, result.Mode);
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("cannot be used", warning.Message, StringComparison.Ordinal);
        await AssertSameRowsAsync(target.Name);
    }

    [Fact]
    public async Task OneJobIsTheStreamingRestore()
    {
        var (backup, artifact) = await BackupAsync();
        await using var target = await TempDatabase.CreateAsync("par_one");
        var result = await new RestorePipeline(Pg.Runner()).RunAsync(new MemoryStream(artifact), Ring, Pg.Connection(target.Name),
            Parallel(backup) with { Jobs = 1 });
        Assert.Equal(RestoreModes.StreamSingleTransaction, result.Mode);
        await AssertSameRowsAsync(target.Name);
    }

    [Fact]
    public async Task AnArchiveThePatcherRefusesIsRestoredFromTheStagedFileInOneTransaction()
    {
        // A real pipe dump with a stray byte after its last block: pg_restore never reads that far,
        // but the patcher reads it as the start of a block that is cut short, and refuses.
        var dump = Path.Combine(_staging, "..", $"bf-refused-{Guid.NewGuid():N}.dump");
        try
        {
            await CustomArchiveOffsetsTests.DumpAsync(sample.Name, dump, viaPipe: true);
            var plain = (await File.ReadAllBytesAsync(dump)).Append((byte)0x09).ToArray();
            using var artifact = new MemoryStream();
            var encoded = await ArtifactEncoder.EncodeAsync(new MemoryStream(plain), artifact, new ArtifactEncodeOptions(Ring.Current));
            await using var target = await TempDatabase.CreateAsync("par_refused");
            var logger = new ListLogger<RestorePipeline>();

            var result = await new RestorePipeline(Pg.Runner(), logger).RunAsync(new MemoryStream(artifact.ToArray()), Ring, Pg.Connection(target.Name),
                new RestoreOptions { ExpectedStoredSha256 = encoded.StoredSha256, Jobs = 2, StagingDirectory = _staging, PlainBytes = encoded.RawBytes });

            Assert.Equal(RestoreModes.FileSingleTransaction, result.Mode);
            var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
            output.WriteLine(warning.Message);
            Assert.Contains("data offsets could not be added (The archive ends unexpectedly", warning.Message, StringComparison.Ordinal);
            await AssertSameRowsAsync(target.Name);
            Assert.Empty(Directory.EnumerateFileSystemEntries(_staging));
        }
        finally
        {
            File.Delete(dump);
        }
    }
}
