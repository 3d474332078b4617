using BackupFunctions.Pipeline.Streams;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>A read-only pass-through that keeps a copy of the first <c>capacity</c> bytes read.</summary>
internal sealed class PrefixCapturingStream(Stream inner, int capacity) : ReadOnlyStream
{
    private readonly byte[] _prefix = new byte[capacity];
    private int _captured;

    public ReadOnlySpan<byte> Prefix => _prefix.AsSpan(0, _captured);

    public override int Read(byte[] buffer, int offset, int count) => Capture(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override int Read(Span<byte> buffer) => Capture(buffer[..inner.Read(buffer)]);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Capture(buffer.Span[..n]);
    }

    private int Capture(ReadOnlySpan<byte> read)
    {
        var take = Math.Min(read.Length, _prefix.Length - _captured);
        if (take > 0)
        {
            read[..take].CopyTo(_prefix.AsSpan(_captured));
            _captured += take;
        }

        return read.Length;
    }
}
