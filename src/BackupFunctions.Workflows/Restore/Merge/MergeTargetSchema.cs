using BackupFunctions.Pipeline.Inspection;
using Npgsql;

namespace BackupFunctions.Workflows.Restore.Merge;

/// <summary>
/// What a merge needs to know about the target database: its tables and how each selects one
/// tenant's rows, the foreign keys between tables (for the load order), and the sequences behind columns.
/// </summary>
public sealed record MergeTargetSchema(
    IReadOnlyList<MergeTable> Tables,
    IReadOnlyList<(TableName Child, TableName Parent)> ForeignKeys,
    IReadOnlyList<SequenceColumn> Sequences)
{
    public MergeTable? Find(string qualified) => Tables.FirstOrDefault(t => t.Name.Qualified == qualified);

    public static async Task<MergeTargetSchema> ReadAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        // With an empty search_path, pg_get_expr and regclass print every name schema-qualified, so the
        // predicates also work inside the restore script, which empties search_path too.
        await using (var cmd = new NpgsqlCommand("SELECT pg_catalog.set_config('search_path', '', false)", conn))
        {
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        var tables = new List<MergeTable>();
        foreach (var (name, rls, policies) in await ReadTablesAsync(conn, ct).ConfigureAwait(false))
        {
            tables.Add(new MergeTable(name, rls ? TenantPredicate(policies) : null));
        }

        return new MergeTargetSchema(tables, await ReadForeignKeysAsync(conn, ct).ConfigureAwait(false),
            await ReadSequencesAsync(conn, ct).ConfigureAwait(false));
    }

    /// <summary>
    /// The rows one tenant sees, as row-level security decides it for SELECT: any permissive policy
    /// (OR), and every restrictive one (AND). No permissive policy means RLS shows nothing. Policies are
    /// taken whatever role they name: the role that made the export need not exist here.
    /// </summary>
    private static string TenantPredicate(IReadOnlyList<(bool Permissive, string Qual)> policies)
    {
        var permissive = policies.Where(p => p.Permissive).Select(p => $"({p.Qual})").ToList();
        var restrictive = policies.Where(p => !p.Permissive).Select(p => $"({p.Qual})").ToList();
        var allowed = permissive.Count == 0 ? "false" : string.Join(" OR ", permissive);
        return restrictive.Count == 0 ? $"({allowed})" : $"(({allowed}) AND {string.Join(" AND ", restrictive)})";
    }

    private static async Task<List<(TableName Name, bool Rls, IReadOnlyList<(bool, string)> Policies)>> ReadTablesAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        const string sql = """
            SELECT n.nspname, c.relname, c.relrowsecurity,
                   coalesce(array_agg(p.polpermissive ORDER BY p.polname) FILTER (WHERE p.oid IS NOT NULL), '{}'),
                   coalesce(array_agg(pg_catalog.pg_get_expr(coalesce(p.polqual, p.polwithcheck), p.polrelid) ORDER BY p.polname) FILTER (WHERE p.oid IS NOT NULL), '{}')
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_catalog.pg_policy p ON p.polrelid = c.oid AND p.polcmd IN ('r', '*')
                 AND coalesce(p.polqual, p.polwithcheck) IS NOT NULL
            WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp\_%'
            GROUP BY n.nspname, c.relname, c.relrowsecurity
            ORDER BY 1, 2
            """;
        var result = new List<(TableName, bool, IReadOnlyList<(bool, string)>)>();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            var permissive = r.GetFieldValue<bool[]>(3);
            var quals = r.GetFieldValue<string[]>(4);
            result.Add((new TableName(r.GetString(0), r.GetString(1)), r.GetBoolean(2), permissive.Zip(quals).ToList()));
        }

        return result;
    }

    private static async Task<IReadOnlyList<(TableName, TableName)>> ReadForeignKeysAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        const string sql = """
            SELECT cn.nspname, c.relname, pn.nspname, p.relname
            FROM pg_catalog.pg_constraint k
            JOIN pg_catalog.pg_class c ON c.oid = k.conrelid JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace
            JOIN pg_catalog.pg_class p ON p.oid = k.confrelid JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
            WHERE k.contype = 'f' AND k.conrelid <> k.confrelid
            """;
        var result = new List<(TableName, TableName)>();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            result.Add((new TableName(r.GetString(0), r.GetString(1)), new TableName(r.GetString(2), r.GetString(3))));
        }

        return result;
    }

    private static async Task<IReadOnlyList<SequenceColumn>> ReadSequencesAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        // Owned (serial: 'a', identity: 'i') and used by a column default (nextval('…')); ascending only,
        // integer columns only (their max is what the sequence must pass).
        const string sql = """
            SELECT DISTINCT s.oid::pg_catalog.regclass::text, tn.nspname, t.relname, a.attname
            FROM (
                SELECT d.objid AS seq, d.refobjid AS tbl, d.refobjsubid AS col
                FROM pg_catalog.pg_depend d
                WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
                  AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
                UNION
                SELECT d.refobjid, ad.adrelid, ad.adnum
                FROM pg_catalog.pg_attrdef ad
                JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass AND d.objid = ad.oid
                     AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
            ) u
            JOIN pg_catalog.pg_class s ON s.oid = u.seq AND s.relkind = 'S'
            JOIN pg_catalog.pg_sequence sq ON sq.seqrelid = s.oid AND sq.seqincrement > 0
            JOIN pg_catalog.pg_class t ON t.oid = u.tbl
            JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
            JOIN pg_catalog.pg_attribute a ON a.attrelid = u.tbl AND a.attnum = u.col
                 AND a.atttypid IN ('pg_catalog.int2'::pg_catalog.regtype, 'pg_catalog.int4'::pg_catalog.regtype, 'pg_catalog.int8'::pg_catalog.regtype)
            ORDER BY 1, 2, 3, 4
            """;
        var result = new List<SequenceColumn>();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            result.Add(new SequenceColumn(r.GetString(0), new TableName(r.GetString(1), r.GetString(2)), r.GetString(3)));
        }

        return result;
    }
}
