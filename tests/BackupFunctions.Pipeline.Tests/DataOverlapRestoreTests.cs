using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Testing;
using Xunit.Abstractions;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>
/// Issue 17: with <see cref="RestoreOptions.OverlapDecode"/> each table's data is loaded as soon as its block is decoded
/// (<see cref="OverlappedDataRestore"/>), not after the whole artifact. The artifact is held back half-way
/// (<see cref="GatedStream"/>) until the first table's rows are in the target, so these tests fail if nothing loads
/// before the decode ends. The restore must still equal the source, including what is left to the final pg_restore
/// (a sequence's value, a large object, a foreign key), and a failure found after some data was loaded must stop every
/// pg_restore, leave no staged or list file, and build no index or constraint but those of tables whose data committed.
/// </summary>
public sealed class DataOverlapRestoreTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly KeyRing Ring = new KeyRing().Add(TestKeys.Fixed("data-overlap-key", 23), makeCurrent: true);
    private readonly string _staging = Directory.CreateTempSubdirectory("bf-data-overlap-").FullName;
    private TempDatabase _source = null!;

    public async Task InitializeAsync()
    {
        _source = await TempDatabase.CreateAsync("dovl_src");
        // pg_dump writes table data in name order: a_first's block comes first, m_middle's (incompressible, so it fills
        // most of the artifact) spans the gate, z_last's comes after it.
        await _source.ExecuteAsync("""
            CREATE SCHEMA app;
            CREATE TABLE app.a_first (id int PRIMARY KEY, label text);
            INSERT INTO app.a_first SELECT g, 'row ' || g FROM generate_series(1, 5000) g;
            CREATE TABLE app.m_middle (id bigint, payload text);
            INSERT INTO app.m_middle SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 120000) g;
            CREATE TABLE app.z_last (id int PRIMARY KEY, first_id int NOT NULL REFERENCES app.a_first (id), tenant text);
            INSERT INTO app.z_last SELECT g, 1 + g % 5000, 't' || (g % 3) FROM generate_series(1, 3000) g;
            ALTER TABLE app.z_last ENABLE ROW LEVEL SECURITY;
            ALTER TABLE app.z_last FORCE ROW LEVEL SECURITY;
            CREATE POLICY only_t1 ON app.z_last USING (tenant = 't1');
            CREATE INDEX z_last_tenant ON app.z_last (tenant);
            CREATE SEQUENCE app.counter;
            SELECT setval('app.counter', 4242);
            SELECT lo_from_bytea(0, decode('00ff10', 'hex'));
            """);
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        Directory.Delete(_staging, recursive: true);
    }

    private Task<(BackupResult Result, byte[] Artifact)> BackupAsync() => OverlapRestoreKit.BackupAsync(Ring, _source.Name);

    private RestoreOptions Overlapped(BackupResult backup) => OverlapRestoreKit.Overlapped(backup, _staging);

    private static Task<(Task<RestoreResult> Restore, GatedStream Gate, long RowsBeforeRelease)> StartGatedAsync(
        byte[] artifact, TempDatabase target, RestoreOptions options, ListLogger<RestorePipeline> logger) =>
        OverlapRestoreKit.StartGatedAsync(Ring, artifact, target, options, logger, "app.a_first");

    [Fact]
    public async Task Tables_load_while_the_artifact_is_still_read_and_the_restore_equals_the_source()
    {
        var (backup, artifact) = await BackupAsync();
        await using var target = await TempDatabase.CreateAsync("dovl_ok");
        var logger = new ListLogger<RestorePipeline>();
        var told = new System.Collections.Concurrent.ConcurrentBag<string>();

        var (restore, gate, rowsBeforeRelease) = await StartGatedAsync(artifact, target,
            Overlapped(backup) with { TablesLoaded = tables => { foreach (var t in tables) told.Add(t.Qualified); } }, logger);
        // Half the artifact is still unread, and the first table is complete in the target with its primary key, built in
        // the same commit; z_last's index and the foreign key wait for their data.
        Assert.Equal(5000L, rowsBeforeRelease);
        Assert.Equal("a_first_pkey", await AppIndexesAsync(target));
        gate.Release.SetResult();
        var result = await restore;
        output.WriteLine($"{result.Mode} in {result.Duration.TotalSeconds:F2} s");

        Assert.Equal(RestoreModes.Parallel(2), result.Mode);
        Assert.Contains(logger.Entries, e => e.Message.Contains("was loaded while the artifact decoded", StringComparison.Ordinal));
        // Each table loaded early was told once, as its batch committed (so it may be counted before post-data).
        Assert.Contains("app.m_middle", told);
        Assert.Equal(told.Count, told.Distinct().Count());
        Assert.Equal(await new DatabaseInspector(Pg.Connection(_source.Name)).CountRowsAsync(),
            await new DatabaseInspector(Pg.Connection(target.Name)).CountRowsAsync());
        Assert.Equal(await Pg.SchemaAsync(_source.Name), await Pg.SchemaAsync(target.Name));
        const string digest = "SELECT md5(string_agg(id::text || payload, ',' ORDER BY id)) FROM app.m_middle";
        Assert.Equal(await _source.ScalarAsync<string>(digest), await target.ScalarAsync<string>(digest));
        // Left to the final pg_restore: the sequence's value and the large object; the post-data section: the foreign key.
        Assert.Equal(4242L, await target.ScalarAsync<long>("SELECT last_value FROM app.counter"));
        Assert.Equal(1L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_largeobject_metadata"));
        Assert.Equal(1L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = 'app.z_last'::regclass"));
        Assert.Equal(3000L, await target.ScalarAsync<long>("SET row_security = off; SELECT count(*) FROM app.z_last"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_staging));
    }

    [Fact]
    public async Task A_data_batch_that_fails_stops_the_restore_with_its_error_and_no_post_data()
    {
        var (backup, artifact) = await BackupAsync();
        await using var target = await TempDatabase.CreateAsync("dovl_fail");
        var logger = new ListLogger<RestorePipeline>();

        var (restore, gate, rowsBeforeRelease) = await StartGatedAsync(artifact, target, Overlapped(backup), logger);
        Assert.Equal(5000L, rowsBeforeRelease);
        // z_last's block is after the gate: its COPY will meet a constraint no row passes.
        await target.ExecuteAsync("ALTER TABLE app.z_last ADD CONSTRAINT refuse_all CHECK (false) NOT VALID");
        gate.Release.SetResult();

        var e = await Assert.ThrowsAsync<PgToolException>(() => restore);
        output.WriteLine(e.Message);
        Assert.Contains("refuse_all", e.ToString(), StringComparison.Ordinal);
        await AssertStoppedCleanlyAsync(target);
    }

    [Fact]
    public async Task Damage_found_after_data_was_loaded_stops_every_pg_restore_and_runs_no_post_data()
    {
        var (backup, artifact) = await BackupAsync();
        await using var target = await TempDatabase.CreateAsync("dovl_bad");
        var logger = new ListLogger<RestorePipeline>();

        var (restore, gate, rowsBeforeRelease) = await StartGatedAsync(artifact, target, Overlapped(backup), logger);
        Assert.Equal(5000L, rowsBeforeRelease);
        artifact[artifact.Length * 7 / 8] ^= 0x40;
        gate.Release.SetResult();

        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => restore);
        // Data was loaded before the damage showed: that is why the overlap is only for a database the caller drops.
        Assert.Equal(5000L, await target.ScalarAsync<long>("SELECT count(*) FROM app.a_first"));
        await AssertStoppedCleanlyAsync(target);
    }

    private static Task<string?> AppIndexesAsync(TempDatabase target) =>
        target.ScalarAsync<string>("SELECT coalesce(string_agg(indexname, ',' ORDER BY indexname), '') FROM pg_indexes WHERE schemaname = 'app'");

    private async Task AssertStoppedCleanlyAsync(TempDatabase target)
    {
        Assert.Equal(0L, await OverlapRestoreKit.OtherSessionsAsync(target));
        // Only the index built with a_first's committed data; none of z_last's, whose batch never committed.
        Assert.Equal("a_first_pkey", await AppIndexesAsync(target));
        Assert.Equal(0L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_constraint WHERE contype = 'f'"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_staging));
    }
}
