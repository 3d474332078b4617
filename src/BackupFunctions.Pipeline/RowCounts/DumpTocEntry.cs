namespace BackupFunctions.Pipeline.RowCounts;

/// <summary>What the row counter needs of one TOC entry: which table a data block belongs to, and whether its data is COPY text.</summary>
public sealed record DumpTocEntry(int DumpId, string? Desc, string? Namespace, string? Tag, bool IsCopy)
{
    public bool IsTableData => Desc == "TABLE DATA";
}
