namespace BackupFunctions.Pipeline.Streams;

/// <summary>Reads a <see cref="GrowingFile"/> from the start, following its writer; not seekable (the upload cannot be replayed from it).</summary>
internal sealed class GrowingFileReadStream(GrowingFile file) : ReadOnlyStream
{
    private long _position;
    // Opened at the first byte: a reader may start before the writer has created the file.
    private FileStream? _inner;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return 0;
        var readable = await file.WaitReadableAsync(_position, cancellationToken).ConfigureAwait(false);
        if (readable == 0) return 0;
        _inner ??= new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        var n = await _inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, readable)], cancellationToken).ConfigureAwait(false);
        if (n == 0) throw new IOException($"The staging file '{file.Path}' is shorter than its writer reported ({_position} of at least {_position + readable} bytes).");
        _position += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner?.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_inner is not null) await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
