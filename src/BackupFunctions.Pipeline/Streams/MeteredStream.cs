using System.Security.Cryptography;

namespace BackupFunctions.Pipeline.Streams;

/// <summary>
/// A pass-through stream (either direction) that counts the bytes and, optionally, hashes them with
/// SHA-256 on the way.
/// </summary>
internal sealed class MeteredStream(Stream inner, bool hash, bool leaveOpen = true) : Stream
{
    private readonly IncrementalHash? _hash = hash ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
    private long _bytes;

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Hex SHA-256 of everything that passed; call once, at the end.</summary>
    public string Sha256Hex() => _hash is null ? throw new InvalidOperationException("Not hashing.") : Convert.ToHexStringLower(_hash.GetHashAndReset());

    private void Saw(ReadOnlySpan<byte> data)
    {
        _hash?.AppendData(data);
        Interlocked.Add(ref _bytes, data.Length);
    }

    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => false;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => Bytes; set => throw new NotSupportedException(); }
    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken ct) => inner.FlushAsync(ct);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Saw(buffer[..n]);
        return n;
    }
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var n = await inner.ReadAsync(buffer, ct).ConfigureAwait(false);
        Saw(buffer.Span[..n]);
        return n;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Saw(buffer);
        inner.Write(buffer);
    }
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        Saw(buffer.Span);
        return inner.WriteAsync(buffer, ct);
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash?.Dispose();
            if (!leaveOpen) inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
