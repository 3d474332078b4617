namespace BackupFunctions.Pipeline.Archive;

/// <summary>
/// Reads a seekable archive forward through one large buffer, knowing its absolute position. The
/// data area of a pipe-written dump is made of tiny chunks (one per COPY row), so skipping them one
/// Seek call at a time would cost more than the scan itself.
/// </summary>
internal sealed class ArchiveCursor
{
    private readonly Stream _stream;
    private readonly byte[] _buffer;
    private long _bufferStart;
    private int _count;
    private int _index;

    public ArchiveCursor(Stream stream, int bufferSize = 1 << 20)
    {
        _stream = stream;
        _buffer = new byte[bufferSize];
        Length = stream.Length;
        _stream.Position = 0;
    }

    public long Length { get; }

    public long Position => _bufferStart + _index;

    public bool AtEnd => Position >= Length;

    public byte ReadByte()
    {
        if (_index == _count && !Fill())
            throw new ArchiveFormatException($"The archive ends unexpectedly at byte {Position}.");
        return _buffer[_index++];
    }

    public void ReadExactly(Span<byte> destination)
    {
        for (var i = 0; i < destination.Length; i++) destination[i] = ReadByte();
    }

    /// <summary>Moves forward <paramref name="count"/> bytes, which must all be in the file.</summary>
    public void Skip(long count)
    {
        if (count < 0 || count > Length - Position)
            throw new ArchiveFormatException($"A length of {count} at byte {Position} runs past the end of the archive ({Length} bytes).");
        var inBuffer = _count - _index;
        if (count <= inBuffer)
        {
            _index += (int)count;
            return;
        }

        // Beyond the buffer: restart it at the new position.
        _bufferStart = Position + count;
        _index = 0;
        _count = 0;
        _stream.Position = _bufferStart;
    }

    private bool Fill()
    {
        _bufferStart += _count;
        _index = 0;
        _count = _stream.Read(_buffer, 0, _buffer.Length);
        return _count > 0;
    }
}
