using System.Text.RegularExpressions;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Pipeline.RowCounts;
using BackupFunctions.Testing;
using Xunit.Abstractions;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>
/// The overlapped restore adds a foreign key as soon as both of its tables committed (<see cref="ForeignKeysAfterData"/>),
/// beside other tables' data, and leaves to the final pg_restore those that reference a partitioned table; when nothing
/// is left, no final pg_restore runs. A key whose check fails stops the restore with the server's error.
/// </summary>
public sealed class ForeignKeysAfterDataTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly KeyRing Ring = new KeyRing().Add(TestKeys.Fixed("fk-after-data-key", 31), makeCurrent: true);
    private readonly string _staging = Directory.CreateTempSubdirectory("bf-fk-after-data-").FullName;
    private TempDatabase _source = null!;

    public async Task InitializeAsync()
    {
        // pg_dump writes data in name order: a_customers first, m_middle (incompressible) across the half-way gate, then
        // the tables that reference a_customers.
        _source = await TempDatabase.CreateAsync("fkad_src");
        await _source.ExecuteAsync("""
            CREATE SCHEMA app;
            CREATE TABLE app.a_customers (id int PRIMARY KEY, email text UNIQUE);
            INSERT INTO app.a_customers SELECT g, 'c' || g || '@example.com' FROM generate_series(1, 3000) g;
            CREATE TABLE app.m_middle (id bigint, payload text);
            INSERT INTO app.m_middle SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 120000) g;
            CREATE TABLE app.z_orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES app.a_customers (id),
                email text REFERENCES app.a_customers (email), reply_to int REFERENCES app.z_orders (id));
            INSERT INTO app.z_orders SELECT g, 1 + g % 3000, 'c' || (1 + g % 3000) || '@example.com', nullif(g - 1, 0) FROM generate_series(1, 5000) g;
            CREATE TABLE app.z_unindexed (customer_id int REFERENCES app.a_customers (id));
            INSERT INTO app.z_unindexed SELECT 1 + g % 3000 FROM generate_series(1, 100) g;
            """);
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        Directory.Delete(_staging, recursive: true);
    }

    private static async Task<CustomDumpRowCounter> TocOfAsync((BackupResult Result, byte[] Artifact) backup)
    {
        var plain = new MemoryStream();
        await ArtifactDecoder.DecodeToAsync(new MemoryStream(backup.Artifact), Ring, plain, backup.Result.StoredSha256);
        var counter = new CustomDumpRowCounter();
        counter.Append(plain.ToArray());
        counter.Complete();
        return counter;
    }

    private static string KeyName(DumpTocEntry e) => e.Tag!.Split(' ')[^1];

    [Fact]
    public async Task A_key_is_ready_once_the_data_of_both_tables_and_the_key_it_references_are_done_and_a_partitioned_one_never()
    {
        await using var partitioned = await TempDatabase.CreateAsync("fkad_part");
        await partitioned.ExecuteAsync("""
            CREATE TABLE parts (at date NOT NULL, n int NOT NULL, PRIMARY KEY (at, n)) PARTITION BY RANGE (at);
            CREATE TABLE parts_2025 PARTITION OF parts FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
            INSERT INTO parts VALUES ('2025-03-01', 1);
            CREATE TABLE part_refs (at date, n int, FOREIGN KEY (at, n) REFERENCES parts);
            INSERT INTO part_refs VALUES ('2025-03-01', 1);
            CREATE TABLE plain_parent (id int PRIMARY KEY);
            CREATE TABLE by_month (at date NOT NULL, parent_id int REFERENCES plain_parent (id)) PARTITION BY RANGE (at);
            """);
        var toc = (await TocOfAsync(await OverlapRestoreKit.BackupAsync(Ring, partitioned.Name))).Toc;
        var perTable = TablePostData.Map(toc);
        var everything = toc.Select(e => e.DumpId).ToHashSet();

        // Referencing a partitioned key (attached to its partitions later), or on a partitioned table (no data of its own).
        Assert.Empty(ForeignKeysAfterData.Plan(toc, perTable).TakeReady(everything));
        Assert.Equal(2, toc.Count(e => e.Desc == "FK CONSTRAINT"));

        toc = (await TocOfAsync(await OverlapRestoreKit.BackupAsync(Ring, _source.Name))).Toc;
        perTable = TablePostData.Map(toc);
        var byTag = toc.Where(e => e.IsTableData).ToDictionary(e => e.Tag!, e => e.DumpId);
        var plan = ForeignKeysAfterData.Plan(toc, perTable);
        Assert.False(plan.IsEmpty);
        Assert.Empty(plan.TakeReady(new HashSet<int>()));

        // z_orders committed with its own key: only the key to itself is ready; the others still need a_customers.
        var done = new HashSet<int> { byTag["z_orders"] };
        done.UnionWith(perTable[byTag["z_orders"]]);
        var names = (IEnumerable<int> ids) => ids.Select(id => KeyName(toc.Single(e => e.DumpId == id))).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["z_orders_reply_to_fkey"], names(plan.TakeReady(done)));
        // a_customers' data without its keys: a key that references its primary key or unique constraint still waits.
        done.Add(byTag["a_customers"]);
        done.Add(byTag["z_unindexed"]);
        Assert.Empty(plan.TakeReady(done));
        done.UnionWith(perTable[byTag["a_customers"]]);
        Assert.Equal(["z_orders_customer_id_fkey", "z_orders_email_fkey", "z_unindexed_customer_id_fkey"], names(plan.TakeReady(done)));
        // Each key is handed out once.
        Assert.True(plan.IsEmpty);
        Assert.Empty(plan.TakeReady(everything));
    }

    [Fact]
    public async Task Keys_are_added_by_the_batches_no_final_pg_restore_runs_and_the_restore_equals_the_source()
    {
        await using var target = await TempDatabase.CreateAsync("fkad_ok");
        var logger = new ListLogger<RestorePipeline>();

        var result = await OverlapRestoreKit.BackupAndRestoreAsync(Ring, _source.Name, target, _staging, logger);

        foreach (var e in logger.Entries) output.WriteLine(e.Message);
        var added = logger.Entries.Select(e => Regex.Match(e.Message, @"added (\d+) foreign keys between tables already committed")).Where(m => m.Success);
        Assert.Equal(4, added.Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains(logger.Entries, e => e.Message.Contains("no final pg_restore is needed", StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains("with pg_restore -j", StringComparison.Ordinal));
        Assert.Equal(RestoreModes.Parallel(2), result.Mode);
        await OverlapRestoreKit.AssertSameAsSourceAsync(_source.Name, target);
        Assert.Equal(4L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_staging));
    }

    [Fact]
    public async Task A_key_whose_check_fails_stops_the_restore_with_the_servers_error()
    {
        var (backup, artifact) = await OverlapRestoreKit.BackupAsync(Ring, _source.Name);
        await using var target = await TempDatabase.CreateAsync("fkad_fail");
        var logger = new ListLogger<RestorePipeline>();

        var (restore, gate, rowsBeforeRelease) = await OverlapRestoreKit.StartGatedAsync(Ring, artifact, target,
            OverlapRestoreKit.Overlapped(backup, _staging), logger, "app.a_customers");
        Assert.Equal(3000L, rowsBeforeRelease);
        // a_customers committed before the gate; z_orders, after it, still loads, but its key to a_customers cannot be added.
        await target.ExecuteAsync("DELETE FROM app.a_customers WHERE id = 7");
        gate.Release.SetResult();

        var e = await Assert.ThrowsAsync<PgToolException>(() => restore);
        output.WriteLine(e.Message);
        Assert.Contains("violates foreign key constraint", e.ToString(), StringComparison.Ordinal);
        Assert.Equal(0L, await OverlapRestoreKit.OtherSessionsAsync(target));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_staging));
    }
}
