using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Pipeline.Merge;
using BackupFunctions.Pipeline.Processes;
using Npgsql;

namespace BackupFunctions.Workflows.Restore.Merge;

/// <summary>
/// Decides what a merge loads, and refuses what it must not do, from the target's schema and the
/// backup's manifest before anything is downloaded, then from the archive's table of contents.
/// Only the data of the target's tenant tables (row-level security on) is loaded, parents before
/// children. Shared tables (no row-level security) are not: a tenant export holds all of their rows,
/// which the target has its own copy of, and loading them would duplicate or collide with it.
/// </summary>
public sealed class TenantMergePlanner
{
    private readonly BackupManifest _manifest;
    private readonly string _tenantId;
    private readonly IReadOnlyList<MergeScript.Table> _tables;
    private readonly MergeTargetSchema _schema;
    private readonly MergeScript _script;

    private TenantMergePlanner(BackupManifest manifest, MergeTargetSchema schema, IReadOnlyList<MergeScript.Table> tables, MergeScript script)
    {
        _manifest = manifest;
        _tenantId = manifest.TenantId!;
        _schema = schema;
        _tables = tables;
        _script = script;
    }

    /// <summary>The tables in the order they are loaded and checked.</summary>
    public IReadOnlyList<string> LoadOrder => _tables.Where(t => !t.Target.IsShared).Select(t => t.Target.Name.Qualified).ToList();

    public List<string> Warnings { get; } = [];

    public static async Task<TenantMergePlanner> PrepareAsync(BackupManifest manifest, PgConnectionInfo destination, string sessionSetting,
        bool replace, CancellationToken ct)
    {
        var tenant = manifest.TenantId!;
        await using var conn = await new DatabaseInspector(destination).OpenAsync(ct).ConfigureAwait(false);
        var schema = await MergeTargetSchema.ReadAsync(conn, ct).ConfigureAwait(false);

        var missing = manifest.RowCounts.Where(kv => kv.Value > 0 && schema.Find(kv.Key) is null).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            throw new TenantMergeRefusedException(
                $"Merge refused: database '{destination.Database}' lacks {string.Join(", ", missing)}, which backup {manifest.BackupId} holds rows of. " +
                "A merge loads data only, into the schema that is there: bring the target to the backup's schema first. Nothing was changed.");
        }

        var present = manifest.RowCounts.Keys.Select(schema.Find).OfType<MergeTable>().ToList();
        if (!present.Any(t => !t.IsShared))
        {
            // Without row-level security nothing tells this tenant's rows from the others': no refusal check, no row check.
            throw new TenantMergeRefusedException(
                $"Merge refused: none of the tables of backup {manifest.BackupId} has row-level security in database '{destination.Database}', " +
                "so nothing there tells tenant rows apart. Enable the tenant policies in the target first. Nothing was changed.");
        }

        var order = MergeLoadOrder.Sort(present.Select(t => t.Name).ToList(), schema.ForeignKeys);
        var tables = order.Select(n => present.First(t => t.Name == n))
            .Select(t => new MergeScript.Table(t, t.IsShared ? 0 : manifest.RowCounts[t.Name.Qualified])).ToList();

        if (!replace)
        {
            var existing = await TenantRowsAsync(conn, sessionSetting, tenant, tables, ct).ConfigureAwait(false);
            if (existing.Count > 0)
            {
                throw new TenantMergeRefusedException(
                    $"Merge refused: tenant '{tenant}' already has rows in database '{destination.Database}': " +
                    $"{string.Join(", ", existing.Select(e => $"{e.Table} ({e.Rows} rows)"))}. A merge never duplicates or overwrites them. " +
                    "Delete them first, or ask for a merge that replaces them (replaceTenantRows / --replace-tenant-rows). Nothing was changed.");
            }
        }

        var planner = new TenantMergePlanner(manifest, schema, tables, new MergeScript(sessionSetting, tenant, tables, replace));
        var shared = tables.Where(t => t.Target.IsShared && manifest.RowCounts[t.Target.Name.Qualified] > 0).ToList();
        if (shared.Count > 0)
        {
            planner.Warnings.Add("Not merged, because they have no row-level security in the target and so are shared by all tenants " +
                $"(the backup holds all their rows): {string.Join(", ", shared.Select(t => $"{t.Target.Name.Qualified} ({manifest.RowCounts[t.Target.Name.Qualified]} rows)"))}.");
        }

        return planner;
    }

    /// <summary>The plan for this archive: its TABLE DATA entries of tenant tables, in load order; nothing else (no schema, no SEQUENCE SET).</summary>
    public DataMergePlan Plan(IReadOnlyList<TocEntry> toc, string reportPath)
    {
        var data = toc.Where(e => e.IsTableData).ToList();
        var unknown = data.Where(e => !_schema.Tables.Any(t => e.IsDataOf(t.Name.Schema, t.Name.Name))).ToList();
        if (unknown.Count > 0)
        {
            throw new TenantMergeRefusedException(
                $"Merge refused: backup {_manifest.BackupId} holds data for table(s) the target lacks: {string.Join(", ", unknown.Select(e => e.Rest))}. Nothing was changed.");
        }

        var load = new List<TocEntry>();
        foreach (var table in _tables.Where(t => !t.Target.IsShared))
        {
            load.AddRange(data.Where(e => e.IsDataOf(table.Target.Name.Schema, table.Target.Name.Name)));
        }

        var sequences = toc.Count(e => e.Description == "SEQUENCE SET");
        if (sequences > 0)
        {
            Warnings.Add($"{sequences} SEQUENCE SET entries of the backup were not applied: sequences were moved up to their columns' max where below, never down.");
        }

        if (toc.Any(e => e.Description is "BLOB" or "BLOB DATA" or "LARGE OBJECT"))
        {
            Warnings.Add("The backup holds large objects; a merge does not load them (they belong to no table or tenant).");
        }

        var loaded = _tables.Where(t => !t.Target.IsShared).Select(t => t.Target.Name).ToHashSet();
        var feeding = _schema.Sequences.Where(s => loaded.Contains(s.Table)).ToList();
        return new DataMergePlan(load, _script.Prologue(), _script.Epilogue(feeding, reportPath));
    }

    private static async Task<List<(string Table, long Rows)>> TenantRowsAsync(NpgsqlConnection conn, string sessionSetting, string tenant,
        IReadOnlyList<MergeScript.Table> tables, CancellationToken ct)
    {
        await using (var set = new NpgsqlCommand("SELECT pg_catalog.set_config($1, $2, false)", conn))
        {
            set.Parameters.AddWithValue(sessionSetting);
            set.Parameters.AddWithValue(tenant);
            await set.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        var found = new List<(string, long)>();
        foreach (var t in tables.Where(t => !t.Target.IsShared))
        {
            await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM {t.Target.Name.Quoted} WHERE {t.Target.TenantPredicate}", conn);
            var rows = (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            if (rows > 0)
            {
                found.Add((t.Target.Name.Qualified, rows));
            }
        }

        return found;
    }
}
