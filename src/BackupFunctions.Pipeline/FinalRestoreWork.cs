using BackupFunctions.Pipeline.RowCounts;

namespace BackupFunctions.Pipeline;

/// <summary>
/// What the entries left to the final <c>pg_restore</c> after the overlapped batches need of it: data offsets only when
/// one of them reads a data block, and more than one job only when one of them is heavy. A database's sequence values,
/// ACLs, comments, triggers and policies are short statements, for which <c>pg_restore -j 2</c> spends about 0.1 s
/// starting its workers (one foreign key at 1 GB: 0.52 s with two jobs, 0.42 s with one), and adding the offsets walks
/// every block of the staged file again.
/// </summary>
internal static class FinalRestoreWork
{
    /// <summary>Entries that build, check or load something whose cost grows with a table.</summary>
    private static readonly HashSet<string> Heavy =
        ["TABLE DATA", "BLOBS", "BLOB", "MATERIALIZED VIEW DATA", "INDEX", "CONSTRAINT", "CHECK CONSTRAINT", "FK CONSTRAINT", "INDEX ATTACH"];

    /// <summary>
    /// True when an entry in <paramref name="remaining"/> may have a data block to read: anything in the data section but
    /// a sequence's value (its statement is in the TOC), and an entry whose section was not read.
    /// </summary>
    public static bool ReadsData(IReadOnlyList<DumpTocEntry> toc, IReadOnlyList<int> remaining) =>
        Entries(toc, remaining).Any(e => e.Section == 0 || (e.Section == DumpTocEntry.DataSection && e.Desc != "SEQUENCE SET"));

    /// <summary>True when an entry in <paramref name="remaining"/> is worth a job of its own (an unknown one counts as heavy).</summary>
    public static bool NeedsJobs(IReadOnlyList<DumpTocEntry> toc, IReadOnlyList<int> remaining) =>
        Entries(toc, remaining).Any(e => e.Desc is not { } desc || Heavy.Contains(desc));

    private static IEnumerable<DumpTocEntry> Entries(IReadOnlyList<DumpTocEntry> toc, IReadOnlyList<int> remaining)
    {
        var ids = remaining.ToHashSet();
        return toc.Where(e => ids.Contains(e.DumpId));
    }
}
