using System.Text;

namespace BackupFunctions.Pipeline.Archive;

/// <summary>
/// The primitive fields of a custom-format archive (pg_backup_archiver.c ReadInt/ReadStr/ReadOffset):
/// an int is one sign byte then <see cref="IntSize"/> bytes little-endian; a string is an int length
/// (negative: null) then its bytes; an offset is one flag byte then <see cref="OffSize"/> bytes.
/// </summary>
internal sealed class ArchiveFieldReader(ArchiveCursor cursor, int intSize, int offSize)
{
    public ArchiveCursor Cursor => cursor;
    public int IntSize => intSize;
    public int OffSize => offSize;

    public long ReadInt()
    {
        var sign = cursor.ReadByte();
        long value = 0;
        for (var b = 0; b < intSize; b++)
        {
            long v = cursor.ReadByte();
            // pg_restore keeps ints in a C int: anything wider is not an archive it could read either.
            if (b >= 4 && v != 0) throw new ArchiveFormatException($"An integer at byte {cursor.Position - b - 1} does not fit in 32 bits.");
            value |= v << (8 * b);
        }
        if (sign > 1) throw new ArchiveFormatException($"Invalid sign byte {sign} at byte {cursor.Position - intSize - 1}.");
        return sign == 1 ? -value : value;
    }

    public string? ReadString()
    {
        var length = ReadInt();
        if (length < 0) return null;
        if (length > cursor.Length - cursor.Position)
            throw new ArchiveFormatException($"A string of {length} bytes at byte {cursor.Position} runs past the end of the archive.");
        var bytes = new byte[length];
        cursor.ReadExactly(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Reads an offset field; returns where it starts (its flag byte), the flag and the value.</summary>
    public (long FieldPosition, int Flag, long Value) ReadOffset()
    {
        var at = cursor.Position;
        int flag = cursor.ReadByte();
        long value = 0;
        for (var b = 0; b < offSize; b++)
        {
            long v = cursor.ReadByte();
            if (b < 8) value |= v << (8 * b);
            else if (v != 0) throw new ArchiveFormatException($"The data offset at byte {at} is too large.");
        }
        return (at, flag, value);
    }
}
