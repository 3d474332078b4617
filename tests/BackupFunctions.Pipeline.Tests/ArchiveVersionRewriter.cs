using BackupFunctions.Pipeline.Archive;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>
/// Turns a real archive version 1.14 (pg_dump 15, the only pg_dump installed here) into the layout
/// of 1.15 (PG 16: the header's compression level int becomes one algorithm byte) or 1.16 (PG 17/18:
/// also a relkind int after each TOC entry's tableam), following pg_backup_archiver.c WriteHead and
/// WriteToc. Offsets already set move with the data area; the data area is copied unchanged.
/// </summary>
internal static class ArchiveVersionRewriter
{
    public static byte[] Rewrite(byte[] v14, int minor)
    {
        var cursor = new ArchiveCursor(new MemoryStream(v14));
        var header = new byte[11];
        cursor.ReadExactly(header);
        if (header[6] != 14) throw new ArgumentException("Expected a version 1.14 archive.");
        int intSize = header[8], offSize = header[9];
        var fields = new ArchiveFieldReader(cursor, intSize, offSize);
        var output = new MemoryStream();
        header[6] = (byte)minor;
        output.Write(header);

        var level = fields.ReadInt();
        if (minor >= 15) output.WriteByte(level == 0 ? (byte)0 : (byte)1); // PG_COMPRESSION_NONE / GZIP
        else WriteInt(output, level, intSize);
        var start = cursor.Position;
        for (var i = 0; i < 7; i++) fields.ReadInt();
        for (var i = 0; i < 3; i++) fields.ReadString();
        var count = fields.ReadInt();
        Copy(v14, start, cursor.Position, output);

        var shift = (minor >= 15 ? -intSize : 0) + (minor >= 16 ? count * (1 + intSize) : 0);
        for (var e = 0; e < count; e++)
        {
            start = cursor.Position;
            fields.ReadInt(); // dumpId
            fields.ReadInt(); // hadDumper
            fields.ReadString(); fields.ReadString(); fields.ReadString(); // tableoid, oid, tag
            var desc = fields.ReadString();
            fields.ReadInt(); // section
            for (var i = 0; i < 6; i++) fields.ReadString(); // defn, dropStmt, copyStmt, namespace, tablespace, tableam
            Copy(v14, start, cursor.Position, output);
            if (minor >= 16) WriteInt(output, desc is "TABLE" ? 'r' : desc is "SEQUENCE" ? 'S' : 0, intSize);

            start = cursor.Position;
            fields.ReadString(); // owner
            fields.ReadString(); // "false"
            while (fields.ReadString() is not null) { }
            Copy(v14, start, cursor.Position, output);

            var (_, flag, value) = fields.ReadOffset();
            output.WriteByte((byte)flag);
            var moved = flag == ArchiveTocItem.OffsetPosSet ? value + shift : value;
            for (var b = 0; b < offSize; b++) output.WriteByte(b < 8 ? (byte)(moved >> (8 * b)) : (byte)0);
        }

        Copy(v14, cursor.Position, v14.Length, output);
        return output.ToArray();
    }

    private static void WriteInt(Stream s, long value, int intSize)
    {
        s.WriteByte(value < 0 ? (byte)1 : (byte)0);
        var v = Math.Abs(value);
        for (var b = 0; b < intSize; b++) s.WriteByte((byte)(v >> (8 * b)));
    }

    private static void Copy(byte[] from, long start, long end, Stream to) => to.Write(from, (int)start, (int)(end - start));
}
