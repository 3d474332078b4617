using BackupFunctions.Pipeline.Inspection;

namespace BackupFunctions.Workflows.Restore.Merge;

/// <summary>
/// Orders tables so that every table comes after the tables its foreign keys reference. The merge
/// keeps the target's foreign keys checking while it loads (nothing is disabled), so a child's rows
/// must find their parents already there. pg_dump orders a full dump's data by name, not by keys.
/// </summary>
public static class MergeLoadOrder
{
    /// <summary>
    /// Parents first; otherwise the given order. Tables in a cycle of foreign keys keep the given order
    /// among themselves: such a load succeeds only if the constraints are deferrable (the load is one transaction).
    /// </summary>
    public static IReadOnlyList<TableName> Sort(IReadOnlyList<TableName> tables, IReadOnlyList<(TableName Child, TableName Parent)> foreignKeys)
    {
        var set = tables.ToHashSet();
        var parents = tables.ToDictionary(t => t, t => foreignKeys
            .Where(k => k.Child == t && k.Parent != t && set.Contains(k.Parent)).Select(k => k.Parent).ToHashSet());
        var result = new List<TableName>();
        var placed = new HashSet<TableName>();
        while (result.Count < tables.Count)
        {
            var next = tables.FirstOrDefault(t => !placed.Contains(t) && parents[t].All(placed.Contains))
                ?? tables.First(t => !placed.Contains(t)); // a cycle: take the first left, in the given order
            result.Add(next);
            placed.Add(next);
        }

        return result;
    }
}
