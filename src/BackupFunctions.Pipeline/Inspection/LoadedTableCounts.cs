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
/// <para>
/// A table whose indexes were built in the transaction that loaded it already has a count taken by the server: the build
/// scans the whole table and stores the rows it saw in <c>pg_class.reltuples</c>. When that equals the manifest's count,
/// it is taken instead of a second scan (<c>count(*)</c> of a freshly loaded table reads it all again and sets every
/// row's hint bits). <c>reltuples</c> is a 4-byte float, exact only up to 2^24 rows, so larger tables, and any table
/// whose <c>reltuples</c> differs (no index, or an ANALYZE in between), are counted with <c>count(*)</c>.
/// </para>
/// <para>
/// A table in an inheritance or partition tree is left to that check, since a parent's <c>count(*)</c> includes children
/// that may load later. Counting here never fails a restore: after any error it stops, and what it did not count is
/// counted at the end like every other table.
/// </para>
/// </remarks>
public sealed class LoadedTableCounts : IAsyncDisposable
{
    private readonly DatabaseInspector _inspector;
    private readonly Channel<IReadOnlyList<TableName>> _loaded =
        Channel.CreateUnbounded<IReadOnlyList<TableName>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop;
    private readonly Task _loop;
    private readonly IReadOnlyDictionary<string, long> _expected;
    private int _fromIndexBuilds;

    /// <summary>The largest count a 4-byte float holds exactly: above it, <c>reltuples</c> cannot prove a count.</summary>
    internal const long ExactFloatLimit = 1L << 24;

    /// <param name="expected">The manifest's row counts, keyed "schema.table": what a table's <c>reltuples</c> must equal to stand for its count.</param>
    public LoadedTableCounts(PgConnectionInfo database, CancellationToken ct, IReadOnlyDictionary<string, long>? expected = null)
    {
        _expected = expected ?? new Dictionary<string, long>();
        _inspector = new DatabaseInspector(database);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>These tables' data committed: their row counts are final.</summary>
    public void Loaded(IReadOnlyList<TableName> tables) => _loaded.Writer.TryWrite(tables);

    /// <summary>How many of the counts were the server's own, taken as the table's indexes were built (final after <see cref="CompleteAsync"/>).</summary>
    public int FromIndexBuilds => Volatile.Read(ref _fromIndexBuilds);

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
                var counting = tables.Where(t => !inTrees.Contains(t.Qualified)).ToList();
                var built = await CountsFromIndexBuildsAsync(conn, counting, ct).ConfigureAwait(false);
                foreach (var table in counting)
                {
                    if (built.Contains(table.Qualified))
                    {
                        _counts[table.Qualified] = _expected[table.Qualified];
                        Interlocked.Increment(ref _fromIndexBuilds);
                    }
                    else
                    {
                        _counts[table.Qualified] = await DatabaseInspector.CountAsync(conn, table, ct).ConfigureAwait(false);
                    }
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

    /// <summary>The tables among <paramref name="tables"/> whose <c>reltuples</c> is exactly the manifest's count (one query for them all).</summary>
    private async Task<HashSet<string>> CountsFromIndexBuildsAsync(NpgsqlConnection conn, List<TableName> tables, CancellationToken ct)
    {
        var provable = tables.Where(t => _expected.TryGetValue(t.Qualified, out var e) && e is > 0 and <= ExactFloatLimit).ToList();
        var matching = new HashSet<string>(StringComparer.Ordinal);
        if (provable.Count == 0) return matching;
        const string sql = "SELECT (SELECT c.reltuples FROM pg_catalog.pg_class c WHERE c.oid = pg_catalog.to_regclass(t)) FROM unnest(@names) WITH ORDINALITY AS u(t, i) ORDER BY i";
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue("names", provable.Select(t => t.Quoted).ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        for (var i = 0; await r.ReadAsync(ct).ConfigureAwait(false); i++)
        {
            var table = provable[i].Qualified;
            if (!r.IsDBNull(0) && (double)r.GetFloat(0) == _expected[table]) matching.Add(table);
        }
        return matching;
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
