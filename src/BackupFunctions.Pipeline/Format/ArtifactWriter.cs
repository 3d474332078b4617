using System.Buffers;
using System.Security.Cryptography;
using BackupFunctions.Pipeline.Keys;

namespace BackupFunctions.Pipeline.Format;

/// <summary>
/// A write-only stream that turns plaintext into an artifact: header, then AES-256-GCM chunks under a
/// fresh random data key. Only <see cref="CompleteAsync"/> writes the final chunk; disposing without
/// it leaves an artifact that every reader rejects as truncated, so a failed run can never leave a
/// valid-looking artifact behind.
/// </summary>
public sealed class ArtifactWriter : Stream
{
    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly ArtifactHeader _header;
    private readonly AesGcm _gcm;
    private readonly byte[] _plain;
    private readonly byte[] _cipher;
    private int _filled;
    private long _index;
    private bool _headerWritten;
    private bool _completed;
    private bool _disposed;

    public ArtifactWriter(Stream output, KeyEncryptionKey kek, CompressionKind compression = CompressionKind.None,
        int compressionLevel = 0, int chunkSize = ArtifactHeader.DefaultChunkSize, bool leaveOpen = true, ArtifactIdentity? identity = null)
    {
        ArtifactHeader.ValidateChunkSize(chunkSize);
        _output = output;
        _leaveOpen = leaveOpen;
        var dataKey = RandomNumberGenerator.GetBytes(ArtifactHeader.DataKeySize);
        try
        {
            _header = ArtifactHeader.Create(kek, dataKey, compression, compressionLevel, chunkSize, identity);
            _gcm = new AesGcm(dataKey, ArtifactHeader.TagSize);
        }
        finally { CryptographicOperations.ZeroMemory(dataKey); }
        _plain = ArrayPool<byte>.Shared.Rent(chunkSize);
        _cipher = ArrayPool<byte>.Shared.Rent(chunkSize + ArtifactHeader.TagSize);
    }

    public ArtifactHeader Header => _header;
    public string KeyId => _header.KeyId;
    public int ChunkSize => _header.ChunkSize;
    /// <summary>Plaintext bytes accepted so far.</summary>
    public long PlainBytes { get; private set; }
    public bool Completed => _completed;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_disposed;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => PlainBytes; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        EnsureWritable();
        if (!_headerWritten) { _output.Write(_header.Bytes); _headerWritten = true; }
        while (buffer.Length > 0)
        {
            var n = Math.Min(buffer.Length, _header.ChunkSize - _filled);
            buffer[..n].CopyTo(_plain.AsSpan(_filled));
            _filled += n; buffer = buffer[n..]; PlainBytes += n;
            // A full buffer is never the last chunk: the last chunk is always shorter than the chunk size.
            if (_filled == _header.ChunkSize) _output.Write(Seal(isLast: false));
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        EnsureWritable();
        if (!_headerWritten) { await _output.WriteAsync(_header.Bytes, ct).ConfigureAwait(false); _headerWritten = true; }
        while (buffer.Length > 0)
        {
            var n = Math.Min(buffer.Length, _header.ChunkSize - _filled);
            buffer.Span[..n].CopyTo(_plain.AsSpan(_filled));
            _filled += n; buffer = buffer[n..]; PlainBytes += n;
            if (_filled == _header.ChunkSize) await _output.WriteAsync(SealMemory(isLast: false), ct).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the final (short, possibly empty) chunk. Call exactly once, after all plaintext.</summary>
    public async Task CompleteAsync(CancellationToken ct = default)
    {
        EnsureWritable();
        if (!_headerWritten) { await _output.WriteAsync(_header.Bytes, ct).ConfigureAwait(false); _headerWritten = true; }
        await _output.WriteAsync(SealMemory(isLast: true), ct).ConfigureAwait(false);
        await _output.FlushAsync(ct).ConfigureAwait(false);
        _completed = true;
    }

    private ReadOnlyMemory<byte> SealMemory(bool isLast)
    {
        var len = _filled;
        Seal(isLast);
        return _cipher.AsMemory(0, len + ArtifactHeader.TagSize);
    }

    private ReadOnlySpan<byte> Seal(bool isLast)
    {
        Span<byte> nonce = stackalloc byte[12];
        Span<byte> aad = stackalloc byte[ArtifactHeader.AadSize];
        _header.ChunkNonce(_index, nonce);
        _header.ChunkAad(_index, isLast, aad);
        var len = _filled;
        _gcm.Encrypt(nonce, _plain.AsSpan(0, len), _cipher.AsSpan(0, len), _cipher.AsSpan(len, ArtifactHeader.TagSize), aad);
        _index++;
        _filled = 0;
        return _cipher.AsSpan(0, len + ArtifactHeader.TagSize);
    }

    private void EnsureWritable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed) throw new InvalidOperationException("The artifact is already complete; nothing can be written after the final chunk.");
    }

    public override void Flush() { if (!_disposed) _output.Flush(); }
    public override Task FlushAsync(CancellationToken ct) => _disposed ? Task.CompletedTask : _output.FlushAsync(ct);
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _disposed = true;
            _gcm.Dispose();
            CryptographicOperations.ZeroMemory(_plain);
            ArrayPool<byte>.Shared.Return(_plain);
            ArrayPool<byte>.Shared.Return(_cipher);
            if (!_leaveOpen) _output.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
        await Task.CompletedTask.ConfigureAwait(false);
    }
}
