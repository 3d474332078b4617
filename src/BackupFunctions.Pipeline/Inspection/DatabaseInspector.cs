using System.Net.Sockets;
using BackupFunctions.Pipeline.Processes;
using Npgsql;

namespace BackupFunctions.Pipeline.Inspection;

/// <summary>
/// Reads what a backup records about a database, over Npgsql: server version, user schemas and
/// tables, exact per-table row counts. Connection failures become <see cref="PgConnectionException"/>
/// with a kind (unreachable, authentication, missing database).
/// </summary>
public sealed class DatabaseInspector(PgConnectionInfo connection)
{
    internal const string UserSchemaFilter =
        "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

    public PgConnectionInfo Connection => connection;

    /// <summary>Opens and closes a connection; throws <see cref="PgConnectionException"/> saying why it failed.</summary>
    public async Task CanConnectAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct).ConfigureAwait(false);
    }

    public async Task<ServerVersionInfo> GetServerVersionAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct).ConfigureAwait(false);
        return await GetServerVersionAsync(conn, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The configuration parameters the server knows, lower case: pg_settings, plus the few that it
    /// hides but SET accepts all the same. A restore filters SET statements for any other name.
    /// </summary>
    public async Task<IReadOnlySet<string>> GetParameterNamesAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct).ConfigureAwait(false);
        var names = new HashSet<string>(HiddenParameters, StringComparer.Ordinal);
        await using var cmd = new NpgsqlCommand("SELECT lower(name) FROM pg_settings", conn);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false)) names.Add(r.GetString(0));
        return names;
    }

    // Marked GUC_NO_SHOW_ALL in the server, so missing from pg_settings, yet settable (or shown) by name.
    private static readonly string[] HiddenParameters = ["role", "session_authorization", "seed", "is_superuser"];

    public async Task<IReadOnlyList<string>> ListSchemasAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct).ConfigureAwait(false);
        var sql = $"SELECT n.nspname FROM pg_namespace n WHERE {UserSchemaFilter} ORDER BY 1";
        var result = new List<string>();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false)) result.Add(r.GetString(0));
        return result;
    }

    public async Task<IReadOnlyList<TableName>> ListTablesAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct).ConfigureAwait(false);
        return await ListTablesAsync(conn, ct).ConfigureAwait(false);
    }

    /// <summary>Exact row count (<c>count(*)</c>) of every user table, keyed "schema.table".</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountRowsAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct).ConfigureAwait(false);
        return await CountRowsAsync(conn, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The same counts over up to <paramref name="sessions"/> connections at once, largest tables first:
    /// for the check after a restore, where the scans would otherwise run one after another on one core.
    /// Each table is counted in its own statement, so use it only where no one else writes.
    /// </summary>
    /// <param name="counted">Counts already taken of tables that nobody wrote to since (<see cref="LoadedTableCounts"/>): kept, not counted again.</param>
    public async Task<IReadOnlyDictionary<string, long>> CountRowsAsync(int sessions, CancellationToken ct = default,
        IReadOnlyDictionary<string, long>? counted = null)
    {
        if (sessions <= 1 && counted is not { Count: > 0 }) return await CountRowsAsync(ct).ConfigureAwait(false);
        IReadOnlyList<TableName> tables;
        await using (var conn = await OpenAsync(ct).ConfigureAwait(false))
            tables = await ListTablesAsync(conn, ct, largestFirst: true).ConfigureAwait(false);
        var counts = new System.Collections.Concurrent.ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        foreach (var t in tables)
        {
            if (counted is not null && counted.TryGetValue(t.Qualified, out var rows)) counts[t.Qualified] = rows;
        }

        var queue = new System.Collections.Concurrent.ConcurrentQueue<TableName>(tables.Where(t => !counts.ContainsKey(t.Qualified)));
        sessions = Math.Max(1, sessions);
        await Task.WhenAll(Enumerable.Range(0, Math.Min(sessions, queue.Count)).Select(async _ =>
        {
            await using var conn = await OpenAsync(ct).ConfigureAwait(false);
            while (queue.TryDequeue(out var t)) counts[t.Qualified] = await CountAsync(conn, t, ct).ConfigureAwait(false);
        })).ConfigureAwait(false);
        return new SortedDictionary<string, long>(counts, StringComparer.Ordinal);
    }

    public static async Task<ServerVersionInfo> GetServerVersionAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT current_setting('server_version_num')::int, current_setting('server_version')", conn);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await r.ReadAsync(ct).ConfigureAwait(false);
        return new ServerVersionInfo(r.GetInt32(0), r.GetString(1));
    }

    internal static async Task<IReadOnlyList<TableName>> ListTablesAsync(NpgsqlConnection conn, CancellationToken ct, bool largestFirst = false)
    {
        // Ordinary and partitioned tables. Tables that belong to extensions are dumped by the
        // extension, not as data, so they are left out.
        var sql = $"""
            SELECT n.nspname, c.relname
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND {UserSchemaFilter}
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
            ORDER BY {(largestFirst ? "pg_relation_size(c.oid) DESC, " : "")}1, 2
            """;
        var result = new List<TableName>();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false)) result.Add(new TableName(r.GetString(0), r.GetString(1)));
        return result;
    }

    public static async Task<IReadOnlyDictionary<string, long>> CountRowsAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var t in await ListTablesAsync(conn, ct).ConfigureAwait(false))
            counts[t.Qualified] = await CountAsync(conn, t, ct).ConfigureAwait(false);
        return counts;
    }

    internal static async Task<long> CountAsync(NpgsqlConnection conn, TableName t, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM {t.Quoted}", conn);
        try
        {
            return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }
        catch (PostgresException e)
        {
            throw Translate(e, conn.Host, conn.Port, conn.Database, $"counting rows of {t.Qualified}");
        }
    }

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken ct = default)
    {
        var conn = new NpgsqlConnection(connection.ToNpgsqlConnectionString());
        try
        {
            await conn.OpenAsync(ct).ConfigureAwait(false);
            return conn;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or SocketException)
        {
            await conn.DisposeAsync().ConfigureAwait(false);
            throw Translate(e, connection.Host, connection.Port, connection.Database, "connecting", connection.Username);
        }
    }

    internal static PgConnectionException Translate(Exception e, string? host, int port, string? database, string doing, string? user = null)
    {
        var where = $"{host}:{port}/{database}";
        if (e is PostgresException pg)
        {
            var (kind, advice) = pg.SqlState switch
            {
                "28P01" or "28000" => (PgFailureKind.AuthenticationFailed, $"Check the password and pg_hba.conf entry for user '{user}'."),
                "3D000" => (PgFailureKind.DatabaseNotFound, $"Check the database name '{database}'."),
                "57P03" => (PgFailureKind.Unreachable, "The server is starting up or shutting down; retry shortly."),
                "42501" => (PgFailureKind.PermissionDenied, "Grant the backup role read access (or use pg_read_all_data)."),
                "57P01" or "57P02" or "08006" or "08003" => (PgFailureKind.ConnectionLost, "Retry when the server is back."),
                _ => (PgFailureKind.Failed, ""),
            };
            return new PgConnectionException($"PostgreSQL at {where} failed while {doing} ({PgToolException.Describe(kind)}): {pg.SqlState} {pg.MessageText}. {advice}".TrimEnd(), kind, e);
        }
        var unreachable = e is TimeoutException or SocketException || e.InnerException is SocketException or TimeoutException or IOException
                          || (e is NpgsqlException ne && ne.IsTransient);
        var k = unreachable ? PgFailureKind.Unreachable : PgFailureKind.Failed;
        return new PgConnectionException(
            $"Could not reach PostgreSQL at {where} while {doing} ({PgToolException.Describe(k)}): {e.Message}. Check that the server is running and accepts connections there.", k, e);
    }
}
