using BackupFunctions.Pipeline.Streams;

namespace BackupFunctions.Pipeline.RowCounts;

/// <summary>A read-only stream that shows every byte it passes on to an observer, in order, without copying it.</summary>
internal sealed class ObservedReadStream(Stream inner, Action<ReadOnlySpan<byte>> observe) : ReadOnlyStream
{
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        observe(buffer[..n]);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        observe(buffer.Span[..n]);
        return n;
    }
}
