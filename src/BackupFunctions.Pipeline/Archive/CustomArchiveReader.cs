namespace BackupFunctions.Pipeline.Archive;

/// <summary>
/// Reads the header, the TOC and the block structure of a pg_dump custom-format archive, following
/// pg_backup_archiver.c (ReadHead, ReadToc) and pg_backup_custom.c (_ReadExtraToc, _skipData,
/// _skipLOs). Only archive versions 1.14 (pg_dump 12–15), 1.15 (16) and 1.16 (17, 18) are read: a
/// newer version may have added fields, and guessing them could patch the wrong bytes.
/// </summary>
public static class CustomArchiveReader
{
    public const int MinMinor = 14;
    public const int MaxMinor = 16;
    private const int ArchCustom = 1;

    /// <summary>Reads <paramref name="file"/> from its start; throws <see cref="ArchiveFormatException"/> for anything unexpected.</summary>
    public static CustomArchiveLayout Read(Stream file)
    {
        if (!file.CanSeek) throw new ArgumentException("The archive must be seekable.", nameof(file));
        var cursor = new ArchiveCursor(file);
        Span<byte> magic = stackalloc byte[5];
        if (cursor.Length < 5) throw new ArchiveFormatException("The file is too short for an archive header.");
        cursor.ReadExactly(magic);
        if (!magic.SequenceEqual("PGDMP"u8)) throw new ArchiveFormatException("The file does not start with PGDMP: not a custom-format archive.");

        int vmaj = cursor.ReadByte(), vmin = cursor.ReadByte(), vrev = cursor.ReadByte();
        if (vmaj != 1 || vmin < MinMinor || vmin > MaxMinor)
            throw new ArchiveFormatException($"Archive version {vmaj}.{vmin}.{vrev} is not supported (1.{MinMinor} to 1.{MaxMinor} are).");
        int intSize = cursor.ReadByte(), offSize = cursor.ReadByte(), format = cursor.ReadByte();
        if (intSize is < 4 or > 8) throw new ArchiveFormatException($"Integer size {intSize} in the header is not supported.");
        if (offSize is < 4 or > 16) throw new ArchiveFormatException($"Offset size {offSize} in the header is not supported.");
        if (format != ArchCustom) throw new ArchiveFormatException($"Archive format {format} is not the custom format ({ArchCustom}).");

        var fields = new ArchiveFieldReader(cursor, intSize, offSize);
        // 1.15 (PG 16) stores the compression algorithm as one byte; before, the level as an int.
        if (vmin >= 15) cursor.ReadByte();
        else fields.ReadInt();
        for (var i = 0; i < 7; i++) fields.ReadInt(); // creation time: sec, min, hour, mday, mon, year, isdst
        fields.ReadString(); // database name
        fields.ReadString(); // server version
        fields.ReadString(); // pg_dump version

        var entries = ReadToc(fields, vmin);
        var dataStart = cursor.Position;
        var blocks = ReadBlocks(fields);
        return new CustomArchiveLayout(vmaj, vmin, vrev, intSize, offSize, entries, dataStart, blocks);
    }

    private static List<ArchiveTocItem> ReadToc(ArchiveFieldReader fields, int vmin)
    {
        var count = fields.ReadInt();
        // Each entry takes well over 16 bytes; a larger count is a damaged TOC, not a huge one.
        if (count < 0 || count > (fields.Cursor.Length - fields.Cursor.Position) / 16)
            throw new ArchiveFormatException($"TOC entry count {count} is out of range.");
        var entries = new List<ArchiveTocItem>((int)count);
        for (var i = 0; i < count; i++)
        {
            var dumpId = fields.ReadInt();
            if (dumpId <= 0) throw new ArchiveFormatException($"TOC entry {i} has dump id {dumpId}: a damaged TOC.");
            var hadDumper = fields.ReadInt() != 0;
            fields.ReadString(); // catalog tableoid
            fields.ReadString(); // catalog oid
            var tag = fields.ReadString();
            var desc = fields.ReadString();
            fields.ReadInt(); // section
            fields.ReadString(); // defn
            fields.ReadString(); // dropStmt
            fields.ReadString(); // copyStmt
            fields.ReadString(); // namespace
            fields.ReadString(); // tablespace
            fields.ReadString(); // tableam (1.14+)
            if (vmin >= 16) fields.ReadInt(); // relkind (1.16+)
            fields.ReadString(); // owner
            fields.ReadString(); // "false": the old WITH OIDS flag
            while (fields.ReadString() is not null) { } // dependencies, ended by a null string
            var (at, flag, value) = fields.ReadOffset(); // the custom format's extra TOC data
            if (flag is < ArchiveTocItem.OffsetPosNotSet or > ArchiveTocItem.OffsetNoData)
                throw new ArchiveFormatException($"TOC entry {dumpId} has data offset flag {flag}.");
            entries.Add(new ArchiveTocItem((int)dumpId, desc, tag, hadDumper, at, flag, value));
        }
        return entries;
    }

    private static List<ArchiveDataBlock> ReadBlocks(ArchiveFieldReader fields)
    {
        var cursor = fields.Cursor;
        var blocks = new List<ArchiveDataBlock>();
        while (!cursor.AtEnd)
        {
            var at = cursor.Position;
            int type = cursor.ReadByte();
            var dumpId = fields.ReadInt();
            if (dumpId <= 0) throw new ArchiveFormatException($"The data block at byte {at} has dump id {dumpId}.");
            switch (type)
            {
                case ArchiveDataBlock.BlkData:
                    SkipChunks(fields);
                    break;
                case ArchiveDataBlock.BlkBlobs:
                    // Each large object: its OID, then chunks; a zero OID ends the block.
                    while (fields.ReadInt() != 0) SkipChunks(fields);
                    break;
                default:
                    throw new ArchiveFormatException($"Unknown data block type {type} at byte {at}.");
            }
            blocks.Add(new ArchiveDataBlock((int)dumpId, type, at));
        }
        return blocks;
    }

    private static void SkipChunks(ArchiveFieldReader fields)
    {
        while (true)
        {
            var length = fields.ReadInt();
            if (length == 0) return;
            if (length < 0) throw new ArchiveFormatException($"Negative chunk length {length} at byte {fields.Cursor.Position}.");
            fields.Cursor.Skip(length);
        }
    }
}
