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
