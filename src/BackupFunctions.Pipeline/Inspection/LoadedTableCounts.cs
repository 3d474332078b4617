using System.Collections.Concurrent;
using System.Threading.Channels;
using BackupFunctions.Pipeline.Processes;
using Npgsql;

namespace BackupFunctions.Pipeline.Inspection;

/// <summary>
/// Counts the rows of each table as soon as a restore has committed its data (<see cref="RestoreOptions.TablesLoaded"/>),
/// on one connection of its own while other tables still load, so the check after the restore only counts what is left.
/// </summary>
/// <remarks>
/// A table in an inheritance or partition tree is left to that check, since a parent's <c>count(*)</c> includes children
/// that may load later. Counting here never fails a restore: after any error it stops, and what it did not count is
/// counted at the end like every other table.
/// </remarks>
public sealed class LoadedTableCounts : IAsyncDisposable
{
    private readonly DatabaseInspector _inspector;
    private readonly Channel<IReadOnlyList<TableName>> _loaded =
        Channel.CreateUnbounded<IReadOnlyList<TableName>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop;
    private readonly Task _loop;

    public LoadedTableCounts(PgConnectionInfo database, CancellationToken ct)
    {
        _inspector = new DatabaseInspector(database);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>These tables' data committed: their row counts are final.</summary>
    public void Loaded(IReadOnlyList<TableName> tables) => _loaded.Writer.TryWrite(tables);

    /// <summary>Counts what it was told of so far, then returns every count it took, keyed "schema.table".</summary>
    public async Task<IReadOnlyDictionary<string, long>> CompleteAsync()
    {
        _loaded.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        return new Dictionary<string, long>(_counts, StringComparer.Ordinal);
    }

    private async Task RunAsync(CancellationToken ct)
    {
        NpgsqlConnection? conn = null;
        try
        {
            HashSet<string>? inTrees = null;
            await foreach (var tables in _loaded.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                conn ??= await _inspector.OpenAsync(ct).ConfigureAwait(false);
                inTrees ??= await InheritanceMembersAsync(conn, ct).ConfigureAwait(false);
                foreach (var table in tables.Where(t => !inTrees.Contains(t.Qualified)))
                {
                    _counts[table.Qualified] = await DatabaseInspector.CountAsync(conn, table, ct).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is NpgsqlException or PgConnectionException or OperationCanceledException or TimeoutException
                                      or InvalidOperationException)
        {
            // Left to the check at the end.
        }
        finally
        {
            if (conn is not null) await conn.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<HashSet<string>> InheritanceMembersAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        const string sql = """
            SELECT n.nspname, c.relname
            FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid OR c.oid = i.inhparent
            JOIN pg_namespace n ON n.oid = c.relnamespace
            """;
        var members = new HashSet<string>(StringComparer.Ordinal);
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false)) members.Add(new TableName(r.GetString(0), r.GetString(1)).Qualified);
        return members;
    }

    public async ValueTask DisposeAsync()
    {
        _loaded.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
