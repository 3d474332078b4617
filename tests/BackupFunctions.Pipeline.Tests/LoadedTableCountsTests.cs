using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Testing;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>Row counts taken as each table's data commits during a restore, and the check at the end that keeps them.</summary>
public sealed class LoadedTableCountsTests
{
    private static async Task<TempDatabase> TablesAsync()
    {
        var db = await TempDatabase.CreateAsync("loadedcounts");
        await db.ExecuteAsync(""""
            CREATE TABLE public.plain (id int);
            INSERT INTO public.plain SELECT generate_series(1, 120);
            CREATE TABLE public."odd ""name""" (id int);
            INSERT INTO public."odd ""name""" SELECT generate_series(1, 7);
            CREATE TABLE public.parent (id int);
            CREATE TABLE public.child () INHERITS (public.parent);
            INSERT INTO public.parent VALUES (1);
            INSERT INTO public.child SELECT generate_series(1, 30);
            """");
        return db;
    }

    [Fact]
    public async Task It_counts_each_table_when_told_and_leaves_inheritance_trees_to_the_end()
    {
        await using var db = await TablesAsync();
        await using var counts = new LoadedTableCounts(Pg.Connection(db.Name), CancellationToken.None);

        counts.Loaded([new TableName("public", "plain"), new TableName("public", "odd \"name\"")]);
        counts.Loaded([new TableName("public", "parent"), new TableName("public", "child")]);
        var taken = await counts.CompleteAsync();

        Assert.Equal(new Dictionary<string, long> { ["public.plain"] = 120, ["public.odd \"name\""] = 7 }, taken);
    }

    /// <summary>Loads and indexes a table in one transaction, as a restore's batch does, so its reltuples holds the build's count.</summary>
    private static async Task<TempDatabase> LoadedInOneTransactionAsync(int rows)
    {
        var db = await TempDatabase.CreateAsync("loadedcounts");
        await db.ExecuteAsync($"""
            CREATE TABLE public.loaded (id int, note text);
            CREATE TABLE public.unindexed (id int);
            BEGIN;
            INSERT INTO public.loaded SELECT i, 'row ' || i FROM generate_series(1, {rows}) i;
            ALTER TABLE public.loaded ADD PRIMARY KEY (id);
            INSERT INTO public.unindexed SELECT generate_series(1, 40);
            COMMIT;
            """);
        return db;
    }

    private static async Task<float> RelTuplesAsync(TempDatabase db, string table)
    {
        await using var conn = new Npgsql.NpgsqlConnection(Pg.Connection(db.Name).ToNpgsqlConnectionString());
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand($"SELECT reltuples FROM pg_class WHERE oid = '{table}'::regclass", conn);
        return (float)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_table_indexed_in_its_loading_transaction_is_counted_by_its_index_build()
    {
        await using var db = await LoadedInOneTransactionAsync(2500);
        Assert.Equal(2500f, await RelTuplesAsync(db, "public.loaded"));
        var expected = new Dictionary<string, long> { ["public.loaded"] = 2500, ["public.unindexed"] = 40 };
        await using var counts = new LoadedTableCounts(Pg.Connection(db.Name), CancellationToken.None, expected);

        counts.Loaded([new TableName("public", "loaded"), new TableName("public", "unindexed")]);
        var taken = await counts.CompleteAsync();

        // The unindexed table has no build count (reltuples -1), so it is scanned; both counts are right.
        Assert.Equal(expected, taken);
        Assert.Equal(1, counts.FromIndexBuilds);
    }

    [Fact]
    public async Task A_build_count_that_differs_from_the_manifest_is_checked_with_count()
    {
        // The table holds 2500 rows and its build saw 2500; the manifest says 2501. A real shortfall must show as one.
        await using var db = await LoadedInOneTransactionAsync(2500);
        await using var counts = new LoadedTableCounts(Pg.Connection(db.Name), CancellationToken.None,
            new Dictionary<string, long> { ["public.loaded"] = 2501 });

        counts.Loaded([new TableName("public", "loaded")]);

        Assert.Equal(new Dictionary<string, long> { ["public.loaded"] = 2500 }, await counts.CompleteAsync());
        Assert.Equal(0, counts.FromIndexBuilds);
    }

    [Fact]
    public async Task Reltuples_stands_for_the_count_only_up_to_what_a_float_holds_exactly()
    {
        // reltuples is set here by hand to the manifest's count while the table holds 3 rows: it is taken at 2^24 and,
        // above that (where a 4-byte float cannot tell 2^24 + 1 from 2^24), the rows are counted instead.
        await using var db = await TempDatabase.CreateAsync("loadedcounts");
        await db.ExecuteAsync($"""
            CREATE TABLE public.at_limit (id int);
            CREATE TABLE public.above (id int);
            INSERT INTO public.at_limit VALUES (1), (2), (3);
            INSERT INTO public.above VALUES (1), (2), (3);
            UPDATE pg_class SET reltuples = {LoadedTableCounts.ExactFloatLimit} WHERE oid IN ('public.at_limit'::regclass, 'public.above'::regclass);
            """);
        await using var counts = new LoadedTableCounts(Pg.Connection(db.Name), CancellationToken.None, new Dictionary<string, long>
        {
            ["public.at_limit"] = LoadedTableCounts.ExactFloatLimit, ["public.above"] = LoadedTableCounts.ExactFloatLimit + 1,
        });

        counts.Loaded([new TableName("public", "at_limit"), new TableName("public", "above")]);

        Assert.Equal(new Dictionary<string, long> { ["public.at_limit"] = LoadedTableCounts.ExactFloatLimit, ["public.above"] = 3 },
            await counts.CompleteAsync());
        Assert.Equal(1, counts.FromIndexBuilds);
    }

    [Fact]
    public async Task A_table_it_cannot_count_stops_it_without_failing_and_keeps_what_it_counted()
    {
        await using var db = await TablesAsync();
        await using var counts = new LoadedTableCounts(Pg.Connection(db.Name), CancellationToken.None);

        counts.Loaded([new TableName("public", "plain")]);
        counts.Loaded([new TableName("public", "dropped_meanwhile")]);
        counts.Loaded([new TableName("public", "odd \"name\"")]);
        var taken = await counts.CompleteAsync();

        Assert.Equal(new Dictionary<string, long> { ["public.plain"] = 120 }, taken);
    }

    [Fact]
    public async Task An_unreachable_database_gives_no_counts_and_no_error()
    {
        await using var counts = new LoadedTableCounts(Pg.Connection("postgres", port: 1), CancellationToken.None);

        counts.Loaded([new TableName("public", "plain")]);

        Assert.Empty(await counts.CompleteAsync());
    }

    [Fact]
    public async Task The_check_at_the_end_keeps_counts_already_taken_and_counts_the_rest()
    {
        await using var db = await TablesAsync();

        // A count taken earlier is kept as it is (rows added after it would be someone else's writes, which a restore has none of).
        var all = await new DatabaseInspector(Pg.Connection(db.Name)).CountRowsAsync(2, CancellationToken.None,
            new Dictionary<string, long> { ["public.plain"] = 5, ["public.not_there"] = 9 });

        Assert.Equal(new SortedDictionary<string, long>(StringComparer.Ordinal)
        {
            ["public.child"] = 30, ["public.odd \"name\""] = 7, ["public.parent"] = 31, ["public.plain"] = 5,
        }, all);
    }
}
