using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using BackupFunctions.Pipeline.Keys;

namespace BackupFunctions.Pipeline.Format;

/// <summary>
/// The header of a BackupFunctions artifact (docs/artifact-format.md). Layout, big-endian:
/// magic "BFAR" | version u8 | compression u8 | level i8 | flags u8 | chunk size u32 | nonce prefix 4 |
/// KEK check 8 | key id length u8 | key id | wrap nonce 12 | wrapped data key 32 | wrap tag 16 |
/// header SHA-256 32.
/// </summary>
public sealed class ArtifactHeader
{
    public static ReadOnlySpan<byte> Magic => "BFAR"u8;
    public const byte CurrentVersion = 1;
    public const int DefaultChunkSize = 1 << 20;
    public const int MinChunkSize = 64;
    public const int MaxChunkSize = 64 << 20;
    public const int TagSize = 16;
    internal const int NoncePrefixSize = 4;
    internal const int CheckSize = 8;
    internal const int WrapNonceSize = 12;
    internal const int DataKeySize = 32;
    internal const int FixedPrefixSize = 4 + 1 + 1 + 1 + 1 + 4 + NoncePrefixSize + CheckSize + 1; // up to the key id

    private ArtifactHeader(byte version, CompressionKind compression, sbyte level, int chunkSize, byte[] noncePrefix,
        byte[] keyCheck, string keyId, byte[] bytes, byte[] headerHash)
    {
        Version = version; Compression = compression; CompressionLevel = level; ChunkSize = chunkSize;
        NoncePrefix = noncePrefix; KeyCheck = keyCheck; KeyId = keyId; Bytes = bytes; HeaderHash = headerHash;
    }

    public byte Version { get; }
    public CompressionKind Compression { get; }
    public sbyte CompressionLevel { get; }
    public int ChunkSize { get; }
    public string KeyId { get; }
    internal byte[] NoncePrefix { get; }
    internal byte[] KeyCheck { get; }
    /// <summary>The serialized header, checksum included.</summary>
    internal byte[] Bytes { get; }
    /// <summary>SHA-256 of the header up to (not including) the checksum; bound into every chunk's AAD.</summary>
    internal byte[] HeaderHash { get; }
    public int Length => Bytes.Length;

    internal static int WrapOffset(int keyIdLength) => FixedPrefixSize + keyIdLength;
    private static int TotalLength(int keyIdLength) => WrapOffset(keyIdLength) + WrapNonceSize + DataKeySize + TagSize + 32;

    public static void ValidateChunkSize(int chunkSize)
    {
        if (chunkSize is < MinChunkSize or > MaxChunkSize)
            throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize, $"Chunk size must be between {MinChunkSize} and {MaxChunkSize} bytes.");
    }

    /// <summary>Builds a header for a new artifact, wrapping <paramref name="dataKey"/> with the KEK.</summary>
    internal static ArtifactHeader Create(KeyEncryptionKey kek, ReadOnlySpan<byte> dataKey, CompressionKind compression, int level, int chunkSize)
    {
        ValidateChunkSize(chunkSize);
        var keyId = Encoding.UTF8.GetBytes(kek.KeyId);
        var bytes = new byte[TotalLength(keyId.Length)];
        var s = bytes.AsSpan();
        Magic.CopyTo(s);
        s[4] = CurrentVersion;
        s[5] = (byte)compression;
        s[6] = unchecked((byte)(sbyte)Math.Clamp(level, sbyte.MinValue, sbyte.MaxValue));
        s[7] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(s[8..], (uint)chunkSize);
        RandomNumberGenerator.Fill(s.Slice(12, NoncePrefixSize));
        kek.CheckValue.CopyTo(s.Slice(16, CheckSize));
        s[24] = (byte)keyId.Length;
        keyId.CopyTo(s[25..]);
        var w = WrapOffset(keyId.Length);
        var wrapNonce = s.Slice(w, WrapNonceSize);
        RandomNumberGenerator.Fill(wrapNonce);
        using (var gcm = new AesGcm(kek.KeyBytes, TagSize))
            gcm.Encrypt(wrapNonce, dataKey, s.Slice(w + WrapNonceSize, DataKeySize), s.Slice(w + WrapNonceSize + DataKeySize, TagSize), s[..w]);
        var hashAt = bytes.Length - 32;
        SHA256.HashData(s[..hashAt], s[hashAt..]);
        return Parse(bytes);
    }

    /// <summary>Reads and checks the header from the start of an artifact stream.</summary>
    internal static async Task<ArtifactHeader> ReadAsync(Stream input, CancellationToken ct)
    {
        var prefix = new byte[FixedPrefixSize];
        var n = await input.ReadAtLeastAsync(prefix, prefix.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (n == 0) throw new ArtifactIntegrityException("The artifact is empty (0 bytes): the upload or download was cut off before any data.");
        if (n < 4 || !prefix.AsSpan(0, 4).SequenceEqual(Magic))
            throw new ArtifactIntegrityException("This is not a BackupFunctions artifact: it does not start with the magic bytes \"BFAR\" (wrong file, or the start of the file is corrupt).");
        if (n < prefix.Length) throw new ArtifactIntegrityException($"The artifact is truncated inside its header ({n} bytes).");
        var keyIdLength = prefix[24];
        var bytes = new byte[TotalLength(keyIdLength)];
        prefix.CopyTo(bytes, 0);
        n = await input.ReadAtLeastAsync(bytes.AsMemory(prefix.Length), bytes.Length - prefix.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (n < bytes.Length - prefix.Length) throw new ArtifactIntegrityException("The artifact is truncated inside its header.");
        return Parse(bytes);
    }

    private static ArtifactHeader Parse(byte[] bytes)
    {
        var s = bytes.AsSpan();
        var version = s[4];
        if (version != CurrentVersion)
            throw new ArtifactIntegrityException($"Unsupported artifact format version {version} (this build reads version {CurrentVersion}): the artifact was written by a newer BackupFunctions, or its header is corrupt.");
        var hashAt = bytes.Length - 32;
        var expected = SHA256.HashData(s[..hashAt]);
        if (!CryptographicOperations.FixedTimeEquals(expected, s[hashAt..]))
            throw new ArtifactIntegrityException("The artifact header is corrupt: its SHA-256 checksum does not match. Use another copy of this backup.");
        if (s[7] != 0)
            throw new ArtifactIntegrityException($"The artifact header sets unknown flags 0x{s[7]:x2}; it was written by a newer BackupFunctions.");
        var compression = (CompressionKind)s[5];
        if (!Enum.IsDefined(compression))
            throw new ArtifactIntegrityException($"The artifact uses unknown compression id {s[5]}.");
        var chunkSize = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(s[8..]), int.MaxValue);
        if (chunkSize is < MinChunkSize or > MaxChunkSize)
            throw new ArtifactIntegrityException($"The artifact header gives an invalid chunk size {chunkSize}.");
        string keyId;
        try { keyId = new UTF8Encoding(false, true).GetString(s.Slice(25, s[24])); }
        catch (DecoderFallbackException) { throw new ArtifactIntegrityException("The artifact's key id is not valid UTF-8."); }
        return new ArtifactHeader(version, compression, unchecked((sbyte)s[6]), chunkSize, s.Slice(12, NoncePrefixSize).ToArray(),
            s.Slice(16, CheckSize).ToArray(), keyId, bytes, s[hashAt..].ToArray());
    }

    /// <summary>Unwraps the data key with the ring's key for this header's key id.</summary>
    internal byte[] UnwrapDataKey(KeyRing ring)
    {
        var kek = ring.Get(KeyId);
        if (!CryptographicOperations.FixedTimeEquals(kek.CheckValue, KeyCheck)) throw new WrongKeyException(KeyId);
        var w = WrapOffset(Encoding.UTF8.GetByteCount(KeyId));
        var s = Bytes.AsSpan();
        var dataKey = new byte[DataKeySize];
        try
        {
            using var gcm = new AesGcm(kek.KeyBytes, TagSize);
            gcm.Decrypt(s.Slice(w, WrapNonceSize), s.Slice(w + WrapNonceSize, DataKeySize), s.Slice(w + WrapNonceSize + DataKeySize, TagSize), dataKey, s[..w]);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new ArtifactIntegrityException($"The artifact's wrapped data key failed authentication under key '{KeyId}' although the key check matched: the header was tampered with.", e);
        }
        return dataKey;
    }

    /// <summary>The 12-byte nonce of chunk <paramref name="index"/>: nonce prefix || index (u64 big-endian).</summary>
    internal void ChunkNonce(long index, Span<byte> nonce)
    {
        NoncePrefix.CopyTo(nonce);
        BinaryPrimitives.WriteInt64BigEndian(nonce[NoncePrefixSize..], index);
    }

    /// <summary>The AAD of a chunk: header hash (32) || index (u64 big-endian) || is-last (1).</summary>
    internal void ChunkAad(long index, bool isLast, Span<byte> aad)
    {
        HeaderHash.CopyTo(aad);
        BinaryPrimitives.WriteInt64BigEndian(aad[32..], index);
        aad[40] = isLast ? (byte)1 : (byte)0;
    }

    internal const int AadSize = 41;
}
