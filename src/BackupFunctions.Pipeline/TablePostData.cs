using BackupFunctions.Pipeline.RowCounts;

namespace BackupFunctions.Pipeline;

/// <summary>
/// The post-data entries that belong to one table alone and may be built as soon as its data committed: its indexes,
/// primary key, unique, exclusion and separately dumped check constraints. pg_restore -j builds them that way, beside
/// other tables' data. Only small tables' are built in their batch (<see cref="After"/>): a schema of many small tables
/// has hundreds of such statements, each a round trip and a commit, which left the final <c>pg_restore -j</c> a second
/// of them after all data at 300 MB; a large table's index builds are CPU, and stay in that final run, where
/// PostgreSQL may give a build parallel workers.
/// </summary>
/// <remarks>
/// An entry qualifies only when every table it depends on is that one table and everything else it depends on is in
/// the pre-data section (created before any data). Foreign keys (they read a second table), index attachments (they
/// need the parent's index) and anything else are left to the final <c>pg_restore -j</c>, which checks its own
/// dependencies.
/// </remarks>
internal static class TablePostData
{
    private static readonly HashSet<string> PerTable = ["INDEX", "CONSTRAINT", "CHECK CONSTRAINT"];

    /// <summary>
    /// What a batch builds after its data: the entries of <paramref name="map"/> for its blocks under
    /// <paramref name="maxTableBytes"/>, in the batch's order.
    /// </summary>
    public static List<int> After(IEnumerable<DumpDataBlock> batch, IReadOnlyDictionary<int, List<int>>? map, long maxTableBytes) =>
        map is null ? [] : [.. batch.Where(b => b.Length < maxTableBytes).SelectMany(b => map.GetValueOrDefault(b.DumpId) ?? [])];

    /// <summary>For each TABLE DATA entry's dump id, the post-data entries to build after it, in TOC order.</summary>
    public static Dictionary<int, List<int>> Map(IReadOnlyList<DumpTocEntry> toc)
    {
        var byId = toc.ToDictionary(e => e.DumpId);
        var dataOfTable = new Dictionary<int, int>();
        foreach (var data in toc.Where(e => e.IsTableData && e.Dependencies.Count == 1))
        {
            if (byId.TryGetValue(data.Dependencies[0], out var table) && table.Desc == "TABLE") dataOfTable[table.DumpId] = data.DumpId;
        }

        var map = new Dictionary<int, List<int>>();
        foreach (var entry in toc.Where(e => e.Section == DumpTocEntry.PostDataSection && e.Desc is { } d && PerTable.Contains(d)))
        {
            int? table = null;
            var ok = entry.Dependencies.Count > 0;
            foreach (var dep in entry.Dependencies)
            {
                if (!byId.TryGetValue(dep, out var on)) ok = false;
                else if (on.Desc == "TABLE")
                {
                    ok = table is null || table == dep;
                    table = dep;
                }
                else if (on.Section != DumpTocEntry.PreDataSection) ok = false;
                if (!ok) break;
            }

            if (ok && table is { } t && dataOfTable.TryGetValue(t, out var dataId))
            {
                if (!map.TryGetValue(dataId, out var list)) map[dataId] = list = [];
                list.Add(entry.DumpId);
            }
        }

        return map;
    }
}
