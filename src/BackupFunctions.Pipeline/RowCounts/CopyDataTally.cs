namespace BackupFunctions.Pipeline.RowCounts;

/// <summary>
/// The rows in one table's COPY text as it passes: its newline bytes, less the end marker pg_dump writes after the
/// rows (<c>"\.\n\n\n"</c>, three newlines). A row never holds a raw newline (COPY escapes it as <c>\n</c>), and a
/// row's line can be empty (a single empty text column), so only the marker at the very end is left out.
/// </summary>
internal struct CopyDataTally
{
    private static ReadOnlySpan<byte> EndMarker => "\\.\n\n\n"u8;

    private long _newlines;
    private ulong _tail;
    private int _tailLength;

    public void Add(ReadOnlySpan<byte> data)
    {
        _newlines += data.Count((byte)'\n');
        var start = Math.Max(0, data.Length - EndMarker.Length);
        foreach (var b in data[start..])
        {
            _tail = (_tail << 8) | b;
            _tailLength = Math.Min(_tailLength + 1, EndMarker.Length);
        }
    }

    public readonly long Rows => EndsWithMarker ? _newlines - 3 : _newlines;

    private readonly bool EndsWithMarker
    {
        get
        {
            if (_tailLength < EndMarker.Length) return false;
            ulong marker = 0;
            foreach (var b in EndMarker) marker = (marker << 8) | b;
            return (_tail & 0xFF_FFFF_FFFFUL) == marker;
        }
    }
}
