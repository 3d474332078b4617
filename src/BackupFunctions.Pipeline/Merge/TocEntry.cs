namespace BackupFunctions.Pipeline.Merge;

/// <summary>
/// One line of <c>pg_restore --list</c>: "<c>3345; 0 16390 TABLE DATA app orders postgres</c>".
/// <see cref="Line"/> is kept as pg_restore wrote it, because a list file (<c>--use-list</c>) is
/// matched by the dump id at its start, and written back unchanged.
/// </summary>
public sealed record TocEntry(int DumpId, string Description, string Rest, string Line)
{
    public bool IsTableData => Description == "TABLE DATA";

    /// <summary>Whether this entry is the data of <paramref name="schema"/>.<paramref name="table"/> ("schema table owner" follows the description).</summary>
    public bool IsDataOf(string schema, string table) =>
        IsTableData && (Rest == $"{schema} {table}" || Rest.StartsWith($"{schema} {table} ", StringComparison.Ordinal));
}
