using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Testing;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>The parallel restore's pg_restores reach the server with commits that do not wait for the flush, and the barrier after them commits with the server's own setting.</summary>
public sealed class RestoreDurabilityTests
{
    private static Task<string> ShowAsync(PgConnectionInfo connection, string parameter) =>
        Pg.Runner().RunAsync(PgTool.Psql, connection, ["-AtX", "-c", $"SHOW {parameter}"]);

    [Fact]
    public async Task A_deferred_connection_commits_without_waiting_and_keeps_its_other_options()
    {
        await using var db = await TempDatabase.CreateAsync("durable");
        var target = Pg.Connection(db.Name) with { Options = "-c lock_timeout=4321" };

        Assert.Equal("on", (await ShowAsync(target, "synchronous_commit")).Trim());
        var deferred = RestoreDurability.Deferred(target);
        Assert.Equal("off", (await ShowAsync(deferred, "synchronous_commit")).Trim());
        Assert.Equal("4321ms", (await ShowAsync(deferred, "lock_timeout")).Trim());
    }

    [Fact]
    public async Task The_barrier_commits_a_transaction_with_an_id()
    {
        await using var db = await TempDatabase.CreateAsync("durable");
        var before = await db.ScalarAsync<long>("SELECT pg_catalog.txid_current()");

        await RestoreDurability.MakeDurableAsync(Pg.Connection(db.Name), CancellationToken.None);

        // It took the next transaction id: its commit was a real one, which waits for the WAL flush.
        Assert.True(await db.ScalarAsync<long>("SELECT pg_catalog.txid_current()") >= before + 2);
    }
}
