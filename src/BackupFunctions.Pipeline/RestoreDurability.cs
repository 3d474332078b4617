using BackupFunctions.Pipeline.Processes;
using Npgsql;

namespace BackupFunctions.Pipeline;

/// <summary>
/// The parallel restore's pg_restores commit without waiting for the WAL flush (<c>synchronous_commit=off</c>):
/// pg_restore -j commits every post-data statement on its own, and on the bench machine's disk (3 ms a flush) the
/// waits added up to about a second. Nothing is reported restored before <see cref="MakeDurableAsync"/>: one commit
/// with a transaction id, made with the server's own setting, flushes the WAL up to it, and so every commit before it.
/// </summary>
internal static class RestoreDurability
{
    /// <summary>The connection for the restore's pg_restores: commits that do not wait for the flush.</summary>
    public static PgConnectionInfo Deferred(PgConnectionInfo target) => target.WithSetting("synchronous_commit", "off");

    /// <summary>Returns once everything committed into <paramref name="target"/> so far is on disk (and, with synchronous standbys, there too).</summary>
    public static async Task MakeDurableAsync(PgConnectionInfo target, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(target.ToNpgsqlConnectionString());
        await conn.OpenAsync(ct).ConfigureAwait(false);
        // txid_current() gives the transaction an id, so its commit writes a record and waits for the flush.
        await using var cmd = new NpgsqlCommand("SELECT pg_catalog.txid_current()", conn);
        await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
    }
}
