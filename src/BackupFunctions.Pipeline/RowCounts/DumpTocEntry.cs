namespace BackupFunctions.Pipeline.RowCounts;

/// <summary>
/// What the row counter and the overlapped restore need of one TOC entry: which table a data block belongs to, whether
/// its data is COPY text, its section and the dump ids it depends on (what may be restored right after a table's data).
/// </summary>
public sealed record DumpTocEntry(int DumpId, string? Desc, string? Namespace, string? Tag, bool IsCopy)
{
    /// <summary>pg_dump's section numbers (pg_backup.h's teSection).</summary>
    public const int PreDataSection = 2;
    public const int DataSection = 3;
    public const int PostDataSection = 4;

    public bool IsTableData => Desc == "TABLE DATA";

    /// <summary>The entry's section, as the archive records it (0 when not read).</summary>
    public int Section { get; init; }

    /// <summary>The dump ids of the entries this one depends on, as the archive records them.</summary>
    public IReadOnlyList<int> Dependencies { get; init; } = [];
}
