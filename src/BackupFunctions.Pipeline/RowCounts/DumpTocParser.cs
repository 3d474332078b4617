using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using BackupFunctions.Pipeline.Archive;

namespace BackupFunctions.Pipeline.RowCounts;

/// <summary>
/// Parses the header and TOC that start a custom-format archive (pg_dump to a pipe writes them first) and that make up a
/// directory archive's <c>toc.dat</c>, from bytes in memory, following pg_backup_archiver.c (ReadHead, ReadToc) as
/// <see cref="CustomArchiveReader"/> does. The two formats differ only in each entry's extra data: the custom format's
/// data offset, the directory format's file name.
/// </summary>
public static class DumpTocParser
{
    private const int ArchCustom = 1;
    private const int ArchDirectory = 3;

    /// <summary>
    /// The TOC, and how many bytes the header and TOC took, or null when <paramref name="bytes"/> ends before the TOC does
    /// (call again with more). Throws <see cref="ArchiveFormatException"/> for anything else unexpected.
    /// </summary>
    public static (IReadOnlyList<DumpTocEntry> Entries, int Length)? TryParse(ReadOnlySpan<byte> bytes)
    {
        var r = new Reader(bytes);
        if (!r.Has(11)) return null;
        if (!bytes[..5].SequenceEqual("PGDMP"u8)) throw new ArchiveFormatException("The dump does not start with PGDMP: not a custom or directory archive.");
        r.Skip(5);
        int vmaj = r.Byte(), vmin = r.Byte(), vrev = r.Byte();
        if (vmaj != 1 || vmin < CustomArchiveReader.MinMinor || vmin > CustomArchiveReader.MaxMinor)
            throw new ArchiveFormatException($"Archive version {vmaj}.{vmin}.{vrev} is not supported (1.{CustomArchiveReader.MinMinor} to 1.{CustomArchiveReader.MaxMinor} are).");
        int intSize = r.Byte(), offSize = r.Byte(), format = r.Byte();
        if (intSize is < 4 or > 8) throw new ArchiveFormatException($"Integer size {intSize} in the header is not supported.");
        if (offSize is < 4 or > 16) throw new ArchiveFormatException($"Offset size {offSize} in the header is not supported.");
        if (format is not (ArchCustom or ArchDirectory)) throw new ArchiveFormatException($"Archive format {format} is neither custom ({ArchCustom}) nor directory ({ArchDirectory}).");
        r.IntSize = intSize;
        try
        {
            if (vmin >= 15) r.Byte();
            else r.Int();
            for (var i = 0; i < 7; i++) r.Int();
            for (var i = 0; i < 3; i++) r.Str();
            var count = r.Int();
            if (count < 0) throw new ArchiveFormatException($"TOC entry count {count} is out of range.");
            var entries = new List<DumpTocEntry>((int)Math.Min(count, 100_000));
            for (var i = 0; i < count; i++)
            {
                var dumpId = (int)r.Int();
                if (dumpId <= 0) throw new ArchiveFormatException($"TOC entry {i} has dump id {dumpId}: a damaged TOC.");
                r.Int(); // hadDumper
                r.Str(); // catalog tableoid
                r.Str(); // catalog oid
                var tag = r.Str();
                var desc = r.Str();
                var section = (int)r.Int();
                r.Str(); // defn
                r.Str(); // dropStmt
                var copyStmt = r.Str();
                var ns = r.Str();
                r.Str(); // tablespace
                r.Str(); // tableam
                if (vmin >= 16) r.Int(); // relkind
                r.Str(); // owner
                r.Str(); // the old WITH OIDS flag
                var dependencies = new List<int>();
                while (r.Str() is { } dependency)
                {
                    if (int.TryParse(dependency, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) dependencies.Add(id);
                }
                if (format == ArchCustom) r.Skip(1 + offSize);
                else r.Str(); // the entry's file name
                entries.Add(new DumpTocEntry(dumpId, desc, ns, tag, !string.IsNullOrEmpty(copyStmt)) { Section = section, Dependencies = dependencies });
            }
            return (entries, r.Position);
        }
        catch (NeedMore)
        {
            return null;
        }
    }

    private sealed class NeedMore : Exception;

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;

        public int Position { get; private set; }

        public int IntSize { get; set; }

        public readonly bool Has(int n) => _bytes.Length - Position >= n;

        public void Skip(int n)
        {
            if (!Has(n)) throw new NeedMore();
            Position += n;
        }

        public byte Byte()
        {
            if (!Has(1)) throw new NeedMore();
            return _bytes[Position++];
        }

        public long Int()
        {
            if (!Has(1 + IntSize)) throw new NeedMore();
            var sign = _bytes[Position];
            if (sign > 1) throw new ArchiveFormatException($"Invalid sign byte {sign} at byte {Position}.");
            var raw = _bytes.Slice(Position + 1, IntSize);
            if (IntSize > 4 && raw[4..].ContainsAnyExcept((byte)0)) throw new ArchiveFormatException($"An integer at byte {Position} does not fit in 32 bits.");
            long value = BinaryPrimitives.ReadUInt32LittleEndian(raw);
            Position += 1 + IntSize;
            return sign == 1 ? -value : value;
        }

        public string? Str()
        {
            var length = Int();
            if (length < 0) return null;
            if (length > int.MaxValue / 2) throw new ArchiveFormatException($"A string of {length} bytes at byte {Position} is out of range.");
            if (!Has((int)length)) throw new NeedMore();
            var s = Encoding.UTF8.GetString(_bytes.Slice(Position, (int)length));
            Position += (int)length;
            return s;
        }
    }
}
