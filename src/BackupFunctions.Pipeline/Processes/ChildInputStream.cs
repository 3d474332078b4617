namespace BackupFunctions.Pipeline.Processes;

/// <summary>
/// A write-only view of a client program's stdin that turns a broken pipe into
/// <see cref="ChildInputClosedException"/>, and that never closes the pipe: closing it is the
/// caller's decision, because psql commits a script when it sees the end of its input.
/// </summary>
internal sealed class ChildInputStream(PgToolProcess process) : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        try { await process.StandardInput.WriteAsync(buffer, ct).ConfigureAwait(false); }
        catch (IOException e) { throw new ChildInputClosedException(process.Tool, e); }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        try { process.StandardInput.Write(buffer, offset, count); }
        catch (IOException e) { throw new ChildInputClosedException(process.Tool, e); }
    }

    public override async Task FlushAsync(CancellationToken ct)
    {
        try { await process.StandardInput.FlushAsync(ct).ConfigureAwait(false); }
        catch (IOException e) { throw new ChildInputClosedException(process.Tool, e); }
    }

    public override void Flush()
    {
        try { process.StandardInput.Flush(); }
        catch (IOException e) { throw new ChildInputClosedException(process.Tool, e); }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
