namespace BackupFunctions.Pipeline.Inspection;

/// <summary>Compares a manifest's row counts with a restored database's.</summary>
public static class RowCountComparer
{
    /// <summary>Every table missing on either side or with a different count, ordered by name. Empty means equal.</summary>
    public static IReadOnlyList<RowCountMismatch> Compare(IReadOnlyDictionary<string, long> expected, IReadOnlyDictionary<string, long> actual)
    {
        var result = new List<RowCountMismatch>();
        foreach (var table in expected.Keys.Union(actual.Keys).Order(StringComparer.Ordinal))
        {
            long? e = expected.TryGetValue(table, out var ev) ? ev : null;
            long? a = actual.TryGetValue(table, out var av) ? av : null;
            if (e != a) result.Add(new RowCountMismatch(table, e, a));
        }
        return result;
    }

    /// <summary>Counts the rows of <paramref name="restored"/> and compares them with <paramref name="expected"/>.</summary>
    public static async Task<IReadOnlyList<RowCountMismatch>> CompareWithDatabaseAsync(IReadOnlyDictionary<string, long> expected,
        DatabaseInspector restored, CancellationToken ct = default) =>
        Compare(expected, await restored.CountRowsAsync(ct).ConfigureAwait(false));
}
