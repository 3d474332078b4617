namespace BackupFunctions.Pipeline.RowCounts;

/// <summary>
/// Counts the rows of every table's COPY data as the plain dump passes through the encoder, so the backup needs no
/// second scan of the tables. It never fails the backup: anything it cannot follow makes it give up
/// (<see cref="Failure"/>), and the caller counts the old way.
/// </summary>
public interface IDumpRowCounter
{
    /// <summary>The next bytes of the plain dump, in order.</summary>
    void Append(ReadOnlySpan<byte> bytes);

    /// <summary>Called once the dump ended; afterwards <see cref="Failure"/> and <see cref="RowsByDumpId"/> are final.</summary>
    void Complete();

    /// <summary>Why the counts are not available, or null.</summary>
    string? Failure { get; }

    /// <summary>The TOC of the dump (known once it was read).</summary>
    IReadOnlyList<DumpTocEntry> Toc { get; }

    /// <summary>Rows (newline-terminated COPY lines) of each TOC entry's data, by dump id.</summary>
    IReadOnlyDictionary<int, long> RowsByDumpId { get; }
}
