namespace BackupFunctions.Targets;

/// <summary>
/// Wraps a store's response body so that a failure while reading it (a connection reset mid-body)
/// surfaces as a <see cref="TargetException"/> classified by the backend, which lets the retrying
/// wrapper resume the read. Also disposes the response object that owns the body.
/// </summary>
internal sealed class ErrorMappingReadStream(Stream inner, Func<Exception, CancellationToken, Exception?> map, IDisposable? owner = null) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return inner.Read(buffer);
        }
        catch (Exception ex) when (map(ex, CancellationToken.None) is { } mapped && !ReferenceEquals(mapped, ex))
        {
            throw mapped;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception ex) when (map(ex, cancellationToken) is { } mapped && !ReferenceEquals(mapped, ex))
        {
            throw mapped;
        }
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            owner?.Dispose();
        }
        base.Dispose(disposing);
    }
}
