using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>
/// Issue 17: the parallel restore of a custom dump with <see cref="RestoreOptions.OverlapDecode"/> creates the schema from the
/// archive's TOC while the rest still decodes (<see cref="PreDataRestore"/>), then runs post-data with -j once every check
/// passed. It must restore exactly the same database, and a damaged artifact must stop the schema restore, build no index
/// but those of tables whose data committed, leave no staged file, and fail with the integrity error (the caller then
/// drops the database it created).
/// </summary>
[Collection(SampleDatabaseCollection.Name)]
public sealed class SchemaOverlapRestoreTests(SampleDatabaseFixture sample, ITestOutputHelper output) : IDisposable
{
    private static readonly KeyRing Ring = new KeyRing().Add(TestKeys.Fixed("overlap-key", 17), makeCurrent: true);
    private readonly string _staging = Directory.CreateTempSubdirectory("bf-overlap-staging-").FullName;

    public void Dispose() => Directory.Delete(_staging, recursive: true);

    private Task<(BackupResult Result, byte[] Artifact)> BackupAsync() => OverlapRestoreKit.BackupAsync(Ring, sample.Name);

    private RestoreOptions Overlapped(BackupResult backup) => OverlapRestoreKit.Overlapped(backup, _staging);

    /// <summary>Every user table's rows, as one digest per table (order-independent).</summary>
    private static async Task<SortedDictionary<string, string>> ContentDigestsAsync(string database)
    {
        await using var conn = new NpgsqlConnection(Pg.Connection(database).ToNpgsqlConnectionString());
        await conn.OpenAsync();
        var digests = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in await DatabaseInspector.ListTablesAsync(conn, CancellationToken.None))
        {
            await using var cmd = new NpgsqlCommand(
                $"SELECT coalesce(md5(string_agg(md5(x::text), '' ORDER BY md5(x::text))), 'empty') FROM {t.Quoted} x", conn);
            digests[t.Qualified] = (string)(await cmd.ExecuteScalarAsync())!;
        }
        return digests;
    }

    [Fact]
    public async Task The_overlapped_restore_gives_the_same_schema_rows_and_table_contents()
    {
        var (backup, artifact) = await BackupAsync();
        await using var target = await TempDatabase.CreateAsync("ovl_ok");
        var logger = new ListLogger<RestorePipeline>();

        var result = await new RestorePipeline(Pg.Runner(), logger).RunAsync(new MemoryStream(artifact), Ring, Pg.Connection(target.Name), Overlapped(backup));
        output.WriteLine($"{result.Mode} in {result.Duration.TotalSeconds:F2} s");

        Assert.Contains(logger.Entries, e => e.Message.Contains("creating the schema from the archive's table of contents", StringComparison.Ordinal));
        Assert.Equal(RestoreModes.Parallel(2), result.Mode);
        Assert.Equal(backup.PlainSha256, result.PlainSha256);
        var expected = await new DatabaseInspector(Pg.Connection(sample.Name)).CountRowsAsync();
        var actual = await new DatabaseInspector(Pg.Connection(target.Name)).CountRowsAsync();
        Assert.Equal(80000L, actual["sales.order_items"]);
        Assert.Equal(expected, actual);
        var digests = await ContentDigestsAsync(target.Name);
        Assert.Equal(await ContentDigestsAsync(sample.Name), digests);
        Assert.Contains(digests, d => d.Value != "empty");
        // Indexes, constraints and triggers (post-data) are there too.
        Assert.Equal(await Pg.SchemaAsync(sample.Name), await Pg.SchemaAsync(target.Name));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_staging));
    }

    private static async Task<List<string>> IndexedTablesAsync(TempDatabase target)
    {
        var names = await target.ScalarAsync<string>(
            "SELECT coalesce(string_agg(DISTINCT schemaname || '.' || tablename, ','), '') FROM pg_indexes WHERE schemaname IN ('sales', 'auth', 'inventory')");
        return string.IsNullOrEmpty(names) ? [] : [.. names.Split(',')];
    }

    [Theory]
    [InlineData("late")]
    [InlineData("cut")]
    public async Task A_damaged_or_cut_artifact_stops_the_schema_restore_and_leaves_no_data_and_no_staged_file(string damage)
    {
        var (backup, artifact) = await BackupAsync();
        Assert.True(artifact.Length > 8 * (16 << 10), $"{artifact.Length} bytes: too few chunks for the damage to come after the TOC");
        if (damage == "late") artifact[artifact.Length * 7 / 8] ^= 0x40;
        else artifact = artifact[..(artifact.Length * 7 / 8)];
        await using var target = await TempDatabase.CreateAsync("ovl_bad");
        var logger = new ListLogger<RestorePipeline>();

        var e = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => new RestorePipeline(Pg.Runner(), logger)
            .RunAsync(new MemoryStream(artifact), Ring, Pg.Connection(target.Name), Overlapped(backup)));
        output.WriteLine(e.Message);

        Assert.Contains(logger.Entries, l => l.Message.Contains("creating the schema", StringComparison.Ordinal));
        Assert.Contains(logger.Entries, l => l.Message.Contains("aborted", StringComparison.Ordinal));
        // No pg_restore is left connected, and the final one never ran: no foreign key. Tables may hold rows loaded while the
        // artifact decoded (DataOverlapRestoreTests: the caller drops the database it created), each with its own indexes,
        // built in the same commit; an index on any other table would mean post-data ran for data that is not there.
        Assert.Equal(0L, await OverlapRestoreKit.OtherSessionsAsync(target));
        Assert.Equal(0L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname IN ('sales', 'auth', 'inventory')"));
        var source = await new DatabaseInspector(Pg.Connection(sample.Name)).CountRowsAsync();
        var loaded = await new DatabaseInspector(Pg.Connection(target.Name)).CountRowsAsync();
        var indexed = await IndexedTablesAsync(target);
        Assert.All(indexed, t => Assert.Equal(source[t], loaded[t]));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_staging));
    }

    [Fact]
    public async Task Without_the_option_a_damaged_artifact_restores_not_even_the_schema()
    {
        var (backup, artifact) = await BackupAsync();
        artifact[artifact.Length * 7 / 8] ^= 0x40;
        await using var target = await TempDatabase.CreateAsync("ovl_off");

        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => new RestorePipeline(Pg.Runner())
            .RunAsync(new MemoryStream(artifact), Ring, Pg.Connection(target.Name), Overlapped(backup) with { OverlapDecode = false }));

        Assert.Equal(0L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname IN ('sales', 'auth', 'inventory')"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_staging));
    }
}
