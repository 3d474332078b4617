using BackupFunctions.Pipeline.Inspection;
using Npgsql;

namespace BackupFunctions.Pipeline.RowCounts;

/// <summary>
/// The tables a backup's row counts are kept for (those <see cref="DatabaseInspector.CountRowsAsync(CancellationToken)"/>
/// counts), each with its inheritance ancestors: <c>count(*)</c> of a partitioned or inheritance parent includes its
/// children's rows, while pg_dump writes each child's rows as that child's data.
/// </summary>
public sealed class DumpTables
{
    private readonly Dictionary<string, List<string>> _ancestors;

    public DumpTables(IReadOnlyDictionary<string, List<string>> ancestorsByTable) =>
        _ancestors = ancestorsByTable.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);

    public static async Task<DumpTables> ReadAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, CancellationToken ct)
    {
        var sql = $"""
            WITH RECURSIVE tables AS (
                SELECT c.oid, n.nspname, c.relname
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p') AND {DatabaseInspector.UserSchemaFilter}
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
            ), ancestors AS (
                SELECT i.inhrelid AS child, i.inhparent AS parent FROM pg_inherits i
                UNION
                SELECT a.child, i.inhparent FROM ancestors a JOIN pg_inherits i ON i.inhrelid = a.parent
            )
            SELECT t.nspname, t.relname, pn.nspname, p.relname
            FROM tables t
            LEFT JOIN ancestors a ON a.child = t.oid
            LEFT JOIN pg_class p ON p.oid = a.parent
            LEFT JOIN pg_namespace pn ON pn.oid = p.relnamespace
            """;
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            var table = new TableName(r.GetString(0), r.GetString(1)).Qualified;
            if (!result.TryGetValue(table, out var list)) result[table] = list = [];
            if (!r.IsDBNull(2)) list.Add(new TableName(r.GetString(2), r.GetString(3)).Qualified);
        }

        return new DumpTables(result);
    }

    /// <summary>
    /// Each table's own data block size in a custom-format dump, keyed "schema.table" (tables without a block are absent):
    /// recorded in the manifest so that a restore can start the largest table first before it has decoded it.
    /// </summary>
    public static IReadOnlyDictionary<string, long> DataBytes(CustomDumpRowCounter counter)
    {
        var bytes = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in counter.Toc)
        {
            if (entry.IsTableData && entry.Namespace is not null && entry.Tag is not null && counter.BlockBytesByDumpId.TryGetValue(entry.DumpId, out var n))
                bytes[new TableName(entry.Namespace, entry.Tag).Qualified] = n;
        }

        return bytes;
    }

    /// <summary>
    /// Row counts keyed "schema.table" for every table, from the rows the dump held for each table's data entry: a table
    /// gets its own rows plus its descendants'; a table whose data was not dumped gets 0, as a restore of this dump has.
    /// Null when some table's data is not COPY text (<c>--inserts</c>): its lines are not its rows.
    /// </summary>
    public IReadOnlyDictionary<string, long>? Resolve(IDumpRowCounter counter)
    {
        if (counter.Toc.Any(e => e.IsTableData && !e.IsCopy)) return null;
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in _ancestors.Keys) counts[table] = 0;
        foreach (var entry in counter.Toc)
        {
            if (!entry.IsTableData || entry.Namespace is null || entry.Tag is null) continue;
            var rows = counter.RowsByDumpId.GetValueOrDefault(entry.DumpId);
            var table = new TableName(entry.Namespace, entry.Tag).Qualified;
            if (!_ancestors.TryGetValue(table, out var ancestors)) continue;
            counts[table] += rows;
            foreach (var ancestor in ancestors)
            {
                if (counts.ContainsKey(ancestor)) counts[ancestor] += rows;
            }
        }

        return counts;
    }
}
