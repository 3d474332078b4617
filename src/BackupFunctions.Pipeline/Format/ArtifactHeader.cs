using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using BackupFunctions.Pipeline.Keys;

namespace BackupFunctions.Pipeline.Format;

/// <summary>
/// The header of a BackupFunctions artifact (docs/artifact-format.md). Layout, big-endian:
/// magic "BFAR" | version u8 | compression u8 | level i8 | flags u8 | chunk size u32 | nonce prefix 4 |
/// KEK check 8 | key id length u8 | key id | [version 2: backup id length u8 | backup id | database length u8 |
/// database | created-at Unix ms i64] | wrap nonce 12 | wrapped data key 32 | wrap tag 16 | header SHA-256 32.
/// Everything before the wrap nonce is the key wrap's associated data, so the identity is authenticated as
/// soon as the data key unwraps.
/// </summary>
public sealed class ArtifactHeader
{
    public static ReadOnlySpan<byte> Magic => "BFAR"u8;
    /// <summary>Written by this build: version 2 binds the backup's identity (<see cref="ArtifactIdentity"/>).</summary>
    public const byte CurrentVersion = 2;
    /// <summary>Version 1 (no identity) is still read, so backups written before version 2 stay restorable.</summary>
    public const byte OldestReadableVersion = 1;
    public const int DefaultChunkSize = 1 << 20;
    public const int MinChunkSize = 64;
    public const int MaxChunkSize = 64 << 20;
    public const int TagSize = 16;
    internal const int NoncePrefixSize = 4;
    internal const int CheckSize = 8;
    internal const int WrapNonceSize = 12;
    internal const int DataKeySize = 32;
    internal const int HashSize = 32;
    internal const int FixedPrefixSize = 4 + 1 + 1 + 1 + 1 + 4 + NoncePrefixSize + CheckSize + 1; // up to the key id
    private const int WrapTailSize = WrapNonceSize + DataKeySize + TagSize + HashSize;
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private ArtifactHeader(byte version, CompressionKind compression, sbyte level, int chunkSize, byte[] noncePrefix,
        byte[] keyCheck, string keyId, ArtifactIdentity? identity, int wrapOffset, byte[] bytes, byte[] headerHash)
    {
        Version = version; Compression = compression; CompressionLevel = level; ChunkSize = chunkSize;
        NoncePrefix = noncePrefix; KeyCheck = keyCheck; KeyId = keyId; Identity = identity; _wrapOffset = wrapOffset;
        Bytes = bytes; HeaderHash = headerHash;
    }

    private readonly int _wrapOffset;

    public byte Version { get; }
    public CompressionKind Compression { get; }
    public sbyte CompressionLevel { get; }
    public int ChunkSize { get; }
    public string KeyId { get; }
    /// <summary>The backup this artifact belongs to; null for version 1 (and for a version 2 artifact written without one).</summary>
    public ArtifactIdentity? Identity { get; }
    internal byte[] NoncePrefix { get; }
    internal byte[] KeyCheck { get; }
    /// <summary>The serialized header, checksum included.</summary>
    internal byte[] Bytes { get; }
    /// <summary>SHA-256 of the header up to (not including) the checksum; bound into every chunk's AAD.</summary>
    internal byte[] HeaderHash { get; }
    public int Length => Bytes.Length;

    public static void ValidateChunkSize(int chunkSize)
    {
        if (chunkSize is < MinChunkSize or > MaxChunkSize)
            throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize, $"Chunk size must be between {MinChunkSize} and {MaxChunkSize} bytes.");
    }

    /// <summary>Builds a header for a new artifact, wrapping <paramref name="dataKey"/> with the KEK.</summary>
    internal static ArtifactHeader Create(KeyEncryptionKey kek, ReadOnlySpan<byte> dataKey, CompressionKind compression, int level, int chunkSize,
        ArtifactIdentity? identity = null)
    {
        ValidateChunkSize(chunkSize);
        var keyId = Encoding.UTF8.GetBytes(kek.KeyId);
        var backupId = Encoding.UTF8.GetBytes(identity?.BackupId ?? "");
        var database = Encoding.UTF8.GetBytes(identity?.Database ?? "");
        if (backupId.Length > 255) throw new ArgumentException($"Backup id '{identity!.BackupId}' is longer than 255 UTF-8 bytes.", nameof(identity));
        if (database.Length > 255) throw new ArgumentException($"Database name '{identity!.Database}' is longer than 255 UTF-8 bytes.", nameof(identity));
        var w = FixedPrefixSize + keyId.Length + 1 + backupId.Length + 1 + database.Length + 8;
        var bytes = new byte[w + WrapTailSize];
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
        var at = 25 + keyId.Length;
        s[at++] = (byte)backupId.Length;
        backupId.CopyTo(s[at..]);
        at += backupId.Length;
        s[at++] = (byte)database.Length;
        database.CopyTo(s[at..]);
        at += database.Length;
        BinaryPrimitives.WriteInt64BigEndian(s[at..], identity?.CreatedAtUnixMs ?? 0);
        var wrapNonce = s.Slice(w, WrapNonceSize);
        RandomNumberGenerator.Fill(wrapNonce);
        using (var gcm = new AesGcm(kek.KeyBytes, TagSize))
            gcm.Encrypt(wrapNonce, dataKey, s.Slice(w + WrapNonceSize, DataKeySize), s.Slice(w + WrapNonceSize + DataKeySize, TagSize), s[..w]);
        var hashAt = bytes.Length - HashSize;
        SHA256.HashData(s[..hashAt], s[hashAt..]);
        return Parse(bytes);
    }

    /// <summary>Reads and checks the header from the start of an artifact stream.</summary>
    internal static async Task<ArtifactHeader> ReadAsync(Stream input, CancellationToken ct)
    {
        var bytes = new byte[FixedPrefixSize];
        var n = await input.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (n == 0) throw new ArtifactIntegrityException("The artifact is empty (0 bytes): the upload or download was cut off before any data.");
        if (n < 4 || !bytes.AsSpan(0, 4).SequenceEqual(Magic))
            throw new ArtifactIntegrityException("This is not a BackupFunctions artifact: it does not start with the magic bytes \"BFAR\" (wrong file, or the start of the file is corrupt).");
        if (n < bytes.Length) throw new ArtifactIntegrityException($"The artifact is truncated inside its header ({n} bytes).");
        CheckVersion(bytes[4]);
        // Version 1: key id, then the wrap. Version 2: key id + backup id length, backup id + database length,
        // database + created-at, then the wrap. Each length byte says how far to read next.
        var keyIdLength = bytes[24];
        if (bytes[4] == 1) return Parse(await GrowAsync(input, bytes, keyIdLength + WrapTailSize, ct).ConfigureAwait(false));
        bytes = await GrowAsync(input, bytes, keyIdLength + 1, ct).ConfigureAwait(false);
        bytes = await GrowAsync(input, bytes, bytes[^1] + 1, ct).ConfigureAwait(false);
        bytes = await GrowAsync(input, bytes, bytes[^1] + 8 + WrapTailSize, ct).ConfigureAwait(false);
        return Parse(bytes);
    }

    private static async Task<byte[]> GrowAsync(Stream input, byte[] bytes, int more, CancellationToken ct)
    {
        var grown = new byte[bytes.Length + more];
        bytes.CopyTo(grown, 0);
        var n = await input.ReadAtLeastAsync(grown.AsMemory(bytes.Length), more, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (n < more) throw new ArtifactIntegrityException($"The artifact is truncated inside its header ({bytes.Length + n} bytes).");
        return grown;
    }

    private static void CheckVersion(byte version)
    {
        if (version is < OldestReadableVersion or > CurrentVersion)
            throw new ArtifactIntegrityException($"Unsupported artifact format version {version} (this build reads versions {OldestReadableVersion} to {CurrentVersion}): the artifact was written by a newer BackupFunctions, or its header is corrupt.");
    }

    private static ArtifactHeader Parse(byte[] bytes)
    {
        var s = bytes.AsSpan();
        var version = s[4];
        CheckVersion(version);
        var hashAt = bytes.Length - HashSize;
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
        var keyId = Utf8(s.Slice(25, s[24]), "key id");
        var at = 25 + s[24];
        ArtifactIdentity? identity = null;
        if (version >= 2)
        {
            var backupId = Utf8(s.Slice(at + 1, s[at]), "backup id");
            at += 1 + s[at];
            var database = Utf8(s.Slice(at + 1, s[at]), "database name");
            at += 1 + s[at];
            var createdAtMs = BinaryPrimitives.ReadInt64BigEndian(s[at..]);
            at += 8;
            if (backupId.Length > 0)
            {
                if (createdAtMs < -62135596800000L || createdAtMs > 253402300799999L)
                    throw new ArtifactIntegrityException($"The artifact header gives an impossible creation time ({createdAtMs} ms).");
                identity = new ArtifactIdentity(backupId, database.Length == 0 ? null : database, DateTimeOffset.FromUnixTimeMilliseconds(createdAtMs));
            }
        }

        if (at + WrapTailSize != bytes.Length)
            throw new ArtifactIntegrityException("The artifact header's field lengths do not add up to its size: the header is corrupt.");
        return new ArtifactHeader(version, compression, unchecked((sbyte)s[6]), chunkSize, s.Slice(12, NoncePrefixSize).ToArray(),
            s.Slice(16, CheckSize).ToArray(), keyId, identity, at, bytes, s[hashAt..].ToArray());
    }

    private static string Utf8(ReadOnlySpan<byte> bytes, string what)
    {
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException) { throw new ArtifactIntegrityException($"The artifact's {what} is not valid UTF-8."); }
    }

    /// <summary>Unwraps the data key with the ring's key for this header's key id.</summary>
    internal byte[] UnwrapDataKey(KeyRing ring)
    {
        var kek = ring.Get(KeyId);
        if (!CryptographicOperations.FixedTimeEquals(kek.CheckValue, KeyCheck)) throw new WrongKeyException(KeyId);
        var w = _wrapOffset;
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
