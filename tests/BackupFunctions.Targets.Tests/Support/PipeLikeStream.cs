namespace BackupFunctions.Targets.Tests.Support;

/// <summary>
/// A non-seekable stream of unknown length, like the output of the backup pipeline. It hands out
/// bytes in uneven chunks, and can throw after a given number of bytes to simulate a failing dump.
/// </summary>
public sealed class PipeLikeStream(byte[] data, long failAfter = -1) : Stream
{
    private int _position;
    private int _call;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (failAfter >= 0 && _position >= failAfter)
            throw new InvalidOperationException("source failed midway (simulated pg_dump crash)");
        // Uneven chunks: 1, 4 KiB + 7, 64 KiB + 13, ... so part boundaries never line up with reads.
        var chunk = (_call++ % 3) switch { 0 => 1, 1 => 4096 + 7, _ => 65536 + 13 };
        var n = Math.Min(Math.Min(buffer.Length, chunk), data.Length - _position);
        if (failAfter >= 0) n = (int)Math.Min(n, Math.Max(1, failAfter - _position));
        if (n <= 0) return 0;
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
