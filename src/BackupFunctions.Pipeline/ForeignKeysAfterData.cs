using BackupFunctions.Pipeline.RowCounts;

namespace BackupFunctions.Pipeline;

/// <summary>
/// The foreign keys the overlapped restore may add as soon as the tables on both sides have committed, with the key they
/// reference: pg_restore -j adds each one once its dependencies are done, beside other tables' data. Left to the final
/// <c>pg_restore</c>, one foreign key over a 120 MB table held a 1 GB restore's last half second on one core.
/// </summary>
/// <remarks>
/// A key qualifies only when every table it depends on has a TABLE DATA entry (so its data is loaded by a batch, and
/// committed once that batch is), every post-data entry it depends on is one a batch builds (<see cref="TablePostData"/>:
/// the referenced primary key or unique constraint), and everything else is pre-data. A partitioned table (no data of
/// its own, keys attached to its partitions' later) or a key whose entries a batch does not build never qualifies, and
/// is left to the final <c>pg_restore</c>.
/// </remarks>
internal sealed class ForeignKeysAfterData
{
    private readonly Dictionary<int, int[]> _needs;

    private ForeignKeysAfterData(Dictionary<int, int[]> needs) => _needs = needs;

    /// <summary>Nothing left to add.</summary>
    public bool IsEmpty => _needs.Count == 0;

    /// <param name="toc">The archive's TOC.</param>
    /// <param name="perTable">What the batches build after each table's data (<see cref="TablePostData.Map"/>).</param>
    public static ForeignKeysAfterData Plan(IReadOnlyList<DumpTocEntry> toc, IReadOnlyDictionary<int, List<int>> perTable)
    {
        var byId = toc.ToDictionary(e => e.DumpId);
        var dataOfTable = TablePostData.DataOfTable(toc, byId);
        var built = perTable.Values.SelectMany(v => v).ToHashSet();
        var needs = new Dictionary<int, int[]>();
        foreach (var key in toc.Where(e => e.Section == DumpTocEntry.PostDataSection && e.Desc == "FK CONSTRAINT"))
        {
            if (NeedsOf(key, byId, dataOfTable, built) is { } first) needs[key.DumpId] = first;
        }

        return new ForeignKeysAfterData(needs);
    }

    private static int[]? NeedsOf(DumpTocEntry key, Dictionary<int, DumpTocEntry> byId, Dictionary<int, int> dataOfTable, HashSet<int> built)
    {
        var first = new List<int>();
        var tables = 0;
        foreach (var dep in key.Dependencies)
        {
            if (!byId.TryGetValue(dep, out var on)) return null;
            if (on.Desc == "TABLE")
            {
                if (!dataOfTable.TryGetValue(dep, out var data)) return null;
                first.Add(data);
                tables++;
            }
            else if (built.Contains(dep)) first.Add(dep);
            else if (on.Section != DumpTocEntry.PreDataSection) return null;
        }

        return tables > 0 ? [.. first] : null;
    }

    /// <summary>Removes and returns, in dump id order, the keys whose tables and referenced keys are all in <paramref name="done"/>.</summary>
    public List<int> TakeReady(IReadOnlySet<int> done)
    {
        var ready = _needs.Where(p => p.Value.All(done.Contains)).Select(p => p.Key).Order().ToList();
        foreach (var id in ready) _needs.Remove(id);
        return ready;
    }
}
