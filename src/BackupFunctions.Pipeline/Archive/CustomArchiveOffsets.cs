namespace BackupFunctions.Pipeline.Archive;

/// <summary>
/// Gives a pipe-written custom-format archive the data offsets pg_dump could not write: without
/// them every <c>pg_restore -j</c> worker rescans the file for its block (slower than one worker).
/// Each data-bearing TOC entry's offset field (flag K_OFFSET_POS_NOT_SET) is overwritten in place
/// with K_OFFSET_POS_SET and the position of its block, the same number of bytes, so nothing moves.
/// </summary>
/// <remarks>
/// The whole file is read and checked before the first byte is written: every entry that expects
/// data has exactly one block, every block belongs to such an entry, and offsets that are already
/// set point at their block. Anything else throws <see cref="ArchiveFormatException"/> with the
/// file untouched, so the caller can restore without offsets.
/// </remarks>
public static class CustomArchiveOffsets
{
    public static OffsetPatchResult Patch(FileStream file)
    {
        if (!file.CanSeek || !file.CanWrite) throw new ArgumentException("The archive must be open for seeking and writing.", nameof(file));
        var layout = CustomArchiveReader.Read(file);
        var writes = Plan(layout);

        var field = new byte[1 + layout.OffSize];
        foreach (var (entry, position) in writes)
        {
            field[0] = ArchiveTocItem.OffsetPosSet;
            for (var b = 0; b < layout.OffSize; b++) field[1 + b] = b < 8 ? (byte)(position >> (8 * b)) : (byte)0;
            file.Position = entry.OffsetFieldPosition;
            file.Write(field);
        }
        file.Flush(flushToDisk: false);
        var alreadySet = layout.Entries.Count(e => e.OffsetFlag == ArchiveTocItem.OffsetPosSet);
        return new OffsetPatchResult(layout.Version, layout.Entries.Count, writes.Count, alreadySet, layout.Blocks.Count);
    }

    /// <summary>Pairs each entry whose offset is not set with its block, or throws when the archive does not add up.</summary>
    internal static List<(ArchiveTocItem Entry, long Position)> Plan(CustomArchiveLayout layout)
    {
        var entries = new Dictionary<int, ArchiveTocItem>();
        foreach (var e in layout.Entries)
        {
            if (!entries.TryAdd(e.DumpId, e)) throw new ArchiveFormatException($"Dump id {e.DumpId} appears twice in the TOC.");
        }

        var blocks = new Dictionary<int, ArchiveDataBlock>();
        foreach (var b in layout.Blocks)
        {
            if (!blocks.TryAdd(b.DumpId, b)) throw new ArchiveFormatException($"Dump id {b.DumpId} has two data blocks.");
            if (!entries.TryGetValue(b.DumpId, out var owner))
                throw new ArchiveFormatException($"The data block at byte {b.Position} belongs to dump id {b.DumpId}, which is not in the TOC.");
            if (owner.OffsetFlag == ArchiveTocItem.OffsetNoData)
                throw new ArchiveFormatException($"Dump id {b.DumpId} ({owner.Desc}) has a data block but its TOC entry says it has no data.");
        }

        // The new value must fit the field as it is: the rewrite never changes its size.
        var maxPosition = layout.OffSize >= 8 ? long.MaxValue : (1L << (8 * layout.OffSize)) - 1;
        var writes = new List<(ArchiveTocItem, long)>();
        foreach (var e in layout.Entries)
        {
            if (e.OffsetFlag == ArchiveTocItem.OffsetNoData) continue;
            if (!blocks.TryGetValue(e.DumpId, out var block))
                throw new ArchiveFormatException($"Dump id {e.DumpId} ({e.Desc} {e.Tag}) expects data, but the archive has no block for it.");
            if (e.OffsetFlag == ArchiveTocItem.OffsetPosSet)
            {
                if (e.OffsetValue != block.Position)
                    throw new ArchiveFormatException($"Dump id {e.DumpId} has offset {e.OffsetValue}, but its block starts at byte {block.Position}.");
                continue;
            }
            if (block.Position > maxPosition) throw new ArchiveFormatException($"Byte position {block.Position} does not fit the archive's {layout.OffSize}-byte offsets.");
            writes.Add((e, block.Position));
        }
        return writes;
    }
}
