using BackupFunctions.Pipeline.RowCounts;

namespace BackupFunctions.Pipeline;

/// <summary>
/// The post-data entries that belong to one table alone and may be built as soon as its data committed: its indexes,
/// primary key, unique, exclusion and separately dumped check constraints. pg_restore -j builds them that way, beside
/// other tables' data; leaving them all to the end left a restore's last second to index builds on a quiet machine.
/// Foreign keys wait for two tables: <see cref="ForeignKeysAfterData"/>.
/// </summary>
/// <remarks>
/// An entry qualifies only when every table it depends on is that one table and everything else it depends on is in
/// the pre-data section (created before any data). Foreign keys (they read a second table: <see cref="ForeignKeysAfterData"/>),
/// index attachments (they need the parent's index) and anything else are left to the final <c>pg_restore -j</c>, which
/// checks its own dependencies.
/// </remarks>
internal static class TablePostData
{
    private static readonly HashSet<string> PerTable = ["INDEX", "CONSTRAINT", "CHECK CONSTRAINT"];

    /// <summary>For each TABLE DATA entry's dump id, the post-data entries to build after it, in TOC order.</summary>
    public static Dictionary<int, List<int>> Map(IReadOnlyList<DumpTocEntry> toc)
    {
        var byId = toc.ToDictionary(e => e.DumpId);
        var dataOfTable = DataOfTable(toc, byId);
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

    /// <summary>Each TABLE entry's dump id to its TABLE DATA entry's (a table without one, e.g. a partitioned parent, is absent).</summary>
    internal static Dictionary<int, int> DataOfTable(IReadOnlyList<DumpTocEntry> toc, IReadOnlyDictionary<int, DumpTocEntry> byId)
    {
        var dataOfTable = new Dictionary<int, int>();
        foreach (var data in toc.Where(e => e.IsTableData && e.Dependencies.Count == 1))
        {
            if (byId.TryGetValue(data.Dependencies[0], out var table) && table.Desc == "TABLE") dataOfTable[table.DumpId] = data.DumpId;
        }

        return dataOfTable;
    }
}
