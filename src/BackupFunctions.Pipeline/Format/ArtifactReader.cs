using System.Buffers;
using System.Security.Cryptography;
using BackupFunctions.Pipeline.Keys;

namespace BackupFunctions.Pipeline.Format;

/// <summary>
/// A read-only stream of an artifact's plaintext. Each chunk is authenticated before any of its
/// bytes are returned. The reader also hashes every stored byte, and it reads one chunk ahead, so
/// the whole-object SHA-256 is checked against the expected value (if given) before the last
/// chunks are released: a consumer such as pg_restore never sees the end of a wrong artifact.
/// </summary>
public sealed class ArtifactReader : Stream
{
    private readonly Stream _input;
    private readonly bool _leaveOpen;
    private readonly ArtifactHeader _header;
    private readonly AesGcm _gcm;
    private readonly string? _expectedSha256;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly int _rawSize;
    private byte[] _pending;
    private byte[] _lookahead;
    private int _pendingLength;
    private readonly byte[] _plain;
    private int _plainPos;
    private int _plainLen;
    private long _index;
    private bool _finished;
    private bool _disposed;

    private ArtifactReader(Stream input, ArtifactHeader header, byte[] dataKey, string? expectedSha256, bool leaveOpen)
    {
        _input = input;
        _header = header;
        _leaveOpen = leaveOpen;
        _expectedSha256 = expectedSha256?.Trim().ToLowerInvariant();
        _gcm = new AesGcm(dataKey, ArtifactHeader.TagSize);
        _rawSize = header.ChunkSize + ArtifactHeader.TagSize;
        _pending = ArrayPool<byte>.Shared.Rent(_rawSize);
        _lookahead = ArrayPool<byte>.Shared.Rent(_rawSize);
        _plain = ArrayPool<byte>.Shared.Rent(header.ChunkSize);
        _hash.AppendData(header.Bytes);
        StoredBytes = header.Length;
    }

    /// <summary>
    /// Reads the header, finds the key and unwraps the data key.
    /// </summary>
    /// <param name="expectedStoredSha256">Hex SHA-256 of the whole artifact, from the manifest; null to only compute it.</param>
    /// <exception cref="ArtifactIntegrityException">The header is damaged or this is not an artifact.</exception>
    /// <exception cref="UnknownKeyException">The ring does not hold the artifact's key id.</exception>
    /// <param name="expected">
    /// What the manifest says this artifact is; checked against the header once the key unwrap has
    /// authenticated it, before any chunk is read. Null to skip (e.g. inspecting a loose file).
    /// </param>
    /// <exception cref="WrongKeyException">The ring's key under that id is a different key.</exception>
    public static async Task<ArtifactReader> OpenAsync(Stream input, KeyRing keys, string? expectedStoredSha256 = null,
        bool leaveOpen = true, CancellationToken ct = default, ArtifactExpectation? expected = null)
    {
        var header = await ArtifactHeader.ReadAsync(input, ct).ConfigureAwait(false);
        var dataKey = header.UnwrapDataKey(keys);
        try { expected?.Check(header); }
        catch { CryptographicOperations.ZeroMemory(dataKey); throw; }
        ArtifactReader reader;
        try { reader = new ArtifactReader(input, header, dataKey, expectedStoredSha256, leaveOpen); }
        finally { CryptographicOperations.ZeroMemory(dataKey); }
        try
        {
            reader._pendingLength = await reader.ReadRawAsync(reader._pending, useAsync: true, ct).ConfigureAwait(false);
        }
        catch
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return reader;
    }

    public ArtifactHeader Header => _header;
    /// <summary>Bytes of the artifact read so far (header included).</summary>
    public long StoredBytes { get; private set; }
    /// <summary>Plaintext bytes released so far.</summary>
    public long PlainBytes { get; private set; }
    /// <summary>Hex SHA-256 of the whole artifact; set once the end has been read.</summary>
    public string? StoredSha256 { get; private set; }
    /// <summary>True once the final chunk has been authenticated and the end of the input reached.</summary>
    public bool Finished => _finished;

    public override bool CanRead => !_disposed;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => PlainBytes; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (_plainPos == _plainLen)
        {
            if (_finished) return 0;
            var t = FillAsync(useAsync: false, CancellationToken.None);
            // Completed synchronously by construction (useAsync: false never awaits I/O).
            t.GetAwaiter().GetResult();
        }
        return Take(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (_plainPos == _plainLen)
        {
            if (_finished) return 0;
            await FillAsync(useAsync: true, ct).ConfigureAwait(false);
        }
        return Take(buffer.Span);
    }

    private int Take(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _plainLen - _plainPos);
        _plain.AsSpan(_plainPos, n).CopyTo(buffer);
        _plainPos += n;
        PlainBytes += n;
        return n;
    }

    private async ValueTask FillAsync(bool useAsync, CancellationToken ct)
    {
        bool isLast;
        if (_pendingLength == _rawSize)
        {
            // A full-size chunk is never the last one. Read the next before releasing this one.
            var next = await ReadRawAsync(_lookahead, useAsync, ct).ConfigureAwait(false);
            if (next == 0)
                throw new ArtifactIntegrityException($"The artifact is truncated: it ends after chunk {_index} without its final chunk ({StoredBytes} bytes read). Use another copy.");
            isLast = false;
            Decrypt(_pending, _pendingLength, isLast);
            (_pending, _lookahead) = (_lookahead, _pending);
            _pendingLength = next;
        }
        else
        {
            if (_pendingLength < ArtifactHeader.TagSize)
                throw new ArtifactIntegrityException($"The artifact is truncated: chunk {_index} has {_pendingLength} bytes, fewer than its 16-byte tag. Use another copy.");
            isLast = true;
            Decrypt(_pending, _pendingLength, isLast);
            _finished = true;
        }
        _index++;
    }

    private void Decrypt(byte[] raw, int rawLength, bool isLast)
    {
        Span<byte> nonce = stackalloc byte[12];
        Span<byte> aad = stackalloc byte[ArtifactHeader.AadSize];
        _header.ChunkNonce(_index, nonce);
        _header.ChunkAad(_index, isLast, aad);
        var len = rawLength - ArtifactHeader.TagSize;
        try
        {
            _gcm.Decrypt(nonce, raw.AsSpan(0, len), raw.AsSpan(len, ArtifactHeader.TagSize), _plain.AsSpan(0, len), aad);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new ArtifactIntegrityException(
                $"Chunk {_index} of the artifact (key '{_header.KeyId}') failed authentication: the artifact is corrupt, truncated, extended or its chunks are out of order. Use another copy.", e);
        }
        _plainPos = 0;
        _plainLen = len;
    }

    /// <summary>Reads one raw chunk (ciphertext + tag). A short read means the end of the input.</summary>
    private async ValueTask<int> ReadRawAsync(byte[] buffer, bool useAsync, CancellationToken ct)
    {
        var n = useAsync
            ? await _input.ReadAtLeastAsync(buffer.AsMemory(0, _rawSize), _rawSize, throwOnEndOfStream: false, ct).ConfigureAwait(false)
            : _input.ReadAtLeast(buffer.AsSpan(0, _rawSize), _rawSize, throwOnEndOfStream: false);
        _hash.AppendData(buffer, 0, n);
        StoredBytes += n;
        if (n < _rawSize) OnEndOfInput();
        return n;
    }

    private void OnEndOfInput()
    {
        StoredSha256 = Convert.ToHexStringLower(_hash.GetHashAndReset());
        if (_expectedSha256 is not null && !string.Equals(_expectedSha256, StoredSha256, StringComparison.Ordinal))
            throw new ArtifactIntegrityException(
                $"The artifact's SHA-256 is {StoredSha256} but {_expectedSha256} was expected ({StoredBytes} bytes read): this copy is damaged, truncated or not the backup the manifest describes. Use another copy.");
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _disposed = true;
            _gcm.Dispose();
            _hash.Dispose();
            CryptographicOperations.ZeroMemory(_plain);
            ArrayPool<byte>.Shared.Return(_plain);
            ArrayPool<byte>.Shared.Return(_pending);
            ArrayPool<byte>.Shared.Return(_lookahead);
            if (!_leaveOpen) _input.Dispose();
        }
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
