using System.Globalization;
using System.Text;
using BackupFunctions.Pipeline.Inspection;

namespace BackupFunctions.Workflows.Restore.Merge;

/// <summary>
/// The SQL that runs around the data in the merge's one transaction. Prologue: REPEATABLE READ (every
/// count sees one snapshot plus this transaction's own changes, so other sessions' writes cannot blur
/// the check), the tenant setting (so the policies' predicates select this tenant), the "before"
/// counts, and either the refusal (the tenant already has rows) or the deletion of the tenant's rows
/// (replace). Epilogue: the sequences, the "after" counts written to a CSV file for the report, and
/// the row check, which raises an error (so psql rolls everything back) on any difference.
/// </summary>
public sealed class MergeScript(string sessionSetting, string tenantId, IReadOnlyList<MergeScript.Table> tables, bool replace)
{
    /// <summary>A table in the check, in load order; shared tables are checked (nothing may change) but never loaded.</summary>
    public sealed record Table(MergeTable Target, long Expected);

    private const string CheckTable = "pg_temp.bf_merge_check";

    public string Prologue()
    {
        var sb = new StringBuilder();
        sb.AppendLine("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;");
        sb.AppendLine($"SELECT pg_catalog.set_config({Literal(sessionSetting)}, {Literal(tenantId)}, true);");
        sb.AppendLine($"CREATE TEMPORARY TABLE bf_merge_check (ord int PRIMARY KEY, table_name text NOT NULL, shared boolean NOT NULL, " +
            "expected bigint NOT NULL, total_before bigint NOT NULL, tenant_before bigint NOT NULL, deleted bigint NOT NULL DEFAULT 0, " +
            "total_after bigint, tenant_after bigint) ON COMMIT DROP;");
        for (var i = 0; i < tables.Count; i++)
        {
            var t = tables[i];
            sb.AppendLine($"INSERT INTO {CheckTable} (ord, table_name, shared, expected, total_before, tenant_before) VALUES ({i}, " +
                $"{Literal(t.Target.Name.Qualified)}, {(t.Target.IsShared ? "true" : "false")}, {t.Expected.ToString(CultureInfo.InvariantCulture)}, " +
                $"(SELECT count(*) FROM {t.Target.Name.Quoted}), {TenantCount(t.Target)});");
        }

        if (replace)
        {
            // Children before parents, so the tenant's own foreign keys never block the delete.
            for (var i = tables.Count - 1; i >= 0; i--)
            {
                if (tables[i].Target is { IsShared: false } t)
                {
                    sb.AppendLine($"WITH gone AS (DELETE FROM {t.Name.Quoted} WHERE {t.TenantPredicate} RETURNING 1) " +
                        $"UPDATE {CheckTable} SET deleted = (SELECT count(*) FROM gone) WHERE ord = {i};");
                }
            }
        }
        else
        {
            // Also checked before the download, but only this one sees what other sessions committed since.
            sb.AppendLine(Raise("tenant_before > 0", "format('%s (%s rows)', table_name, tenant_before)", ", ",
                $"merge refused: tenant {Escape(tenantId)} already has rows in the target: %. Nothing was changed. Delete them first, or ask for a merge that replaces them"));
        }

        return sb.ToString();
    }

    public string Epilogue(IReadOnlyList<SequenceColumn> sequences, string reportPath)
    {
        var sb = new StringBuilder();
        // Sequences: the archive's SEQUENCE SET entries are not applied. They hold the source database's
        // positions, which would move a sequence here backwards whenever this database has handed out
        // more values, and the next insert of another tenant would collide with an existing key. A
        // position "at least the backup's" would not do either: the merged rows are what must not be
        // collided with, and the source's position says nothing about this database. So each sequence
        // that feeds a loaded column is moved up to that column's max (now including the merged rows)
        // when it is below, and never down.
        foreach (var s in sequences)
        {
            sb.AppendLine($"SELECT pg_catalog.setval({Literal(s.Sequence)}::pg_catalog.regclass, m.v) " +
                $"FROM (SELECT max({TableName.QuoteIdentifier(s.Column)})::bigint AS v FROM {s.Table.Quoted}) m, {s.Sequence} q " +
                "WHERE m.v IS NOT NULL AND m.v > CASE WHEN q.is_called THEN q.last_value ELSE q.last_value - 1 END;");
        }

        for (var i = 0; i < tables.Count; i++)
        {
            var t = tables[i].Target;
            sb.AppendLine($"UPDATE {CheckTable} SET total_after = (SELECT count(*) FROM {t.Name.Quoted}), tenant_after = {TenantCount(t)} WHERE ord = {i};");
        }

        // Written before the check, so a failed check can still be reported table by table.
        sb.AppendLine($"\\copy (SELECT table_name, shared, expected, total_before, tenant_before, deleted, total_after, tenant_after FROM {CheckTable} ORDER BY ord) TO {Literal(reportPath)} WITH (FORMAT csv)");
        sb.AppendLine(Raise("tenant_after - (tenant_before - deleted) <> expected OR total_after - tenant_after <> total_before - tenant_before",
            "format('%s: %s tenant rows merged, manifest %s; other rows %s before, %s after', table_name, tenant_after - (tenant_before - deleted), expected, total_before - tenant_before, total_after - tenant_after)",
            "; ", "merge row check failed, rolled back: %"));
        return sb.ToString();
    }

    private static string TenantCount(MergeTable t) =>
        t.IsShared ? "0" : $"(SELECT count(*) FROM {t.Name.Quoted} WHERE {t.TenantPredicate})";

    private static string Raise(string condition, string describe, string separator, string message) =>
        "DO $bf_merge$ DECLARE found text; BEGIN " +
        $"SELECT string_agg({describe}, {Literal(separator)} ORDER BY ord) INTO found FROM {CheckTable} WHERE {condition}; " +
        $"IF found IS NOT NULL THEN RAISE EXCEPTION {Literal(message)}, found; END IF; END $bf_merge$;";

    /// <summary>A standard-conforming SQL string literal.</summary>
    private static string Literal(string value) => "'" + value.Replace("'", "''") + "'";

    /// <summary>Text placed inside a RAISE format string: '%' is its placeholder.</summary>
    private static string Escape(string value) => value.Replace("%", "%%");
}
