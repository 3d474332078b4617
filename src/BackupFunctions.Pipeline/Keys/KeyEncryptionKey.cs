using System.Security.Cryptography;
using System.Text;

namespace BackupFunctions.Pipeline.Keys;

/// <summary>
/// A key-encryption key (KEK): 32 bytes that wrap each backup's random data key, and the id that
/// artifacts record so the right key can be found again after a rotation. The key bytes are never
/// printed: <see cref="ToString"/> shows only the id.
/// </summary>
public sealed class KeyEncryptionKey
{
    public const int KeySize = 32;
    private static readonly byte[] CheckLabel = Encoding.ASCII.GetBytes("BFAR-v1 key check");
    private readonly byte[] _key;

    public KeyEncryptionKey(string keyId, ReadOnlySpan<byte> key)
    {
        ValidateId(keyId);
        if (key.Length != KeySize)
            throw new ArgumentException($"Key '{keyId}' is {key.Length} bytes; a key-encryption key must be exactly {KeySize} bytes (AES-256).", nameof(key));
        KeyId = keyId;
        _key = key.ToArray();
        CheckValue = HMACSHA256.HashData(_key, CheckLabel).AsSpan(0, 8).ToArray();
    }

    /// <summary>The id recorded in every artifact this key protects.</summary>
    public string KeyId { get; }

    /// <summary>
    /// 8 bytes of HMAC-SHA256(key, label): stored in the artifact header so that a wrong key under the
    /// right id is reported as a wrong key, not as corruption. It reveals nothing usable about the key.
    /// </summary>
    internal byte[] CheckValue { get; }

    internal ReadOnlySpan<byte> KeyBytes => _key;

    /// <summary>
    /// A 32-byte subkey for one purpose (HKDF-SHA256 with the purpose as info), so the KEK itself only
    /// ever wraps data keys and, for example, the manifest signing key reveals nothing about it.
    /// </summary>
    internal byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _key, KeySize, salt: [], info: Encoding.ASCII.GetBytes(purpose));

    /// <summary>A fresh random key.</summary>
    public static KeyEncryptionKey Generate(string keyId) => new(keyId, RandomNumberGenerator.GetBytes(KeySize));

    /// <summary>Parses the base64 form used by key files and BF_KEK_* variables.</summary>
    public static KeyEncryptionKey FromBase64(string keyId, string base64)
    {
        byte[] bytes;
        try { bytes = Convert.FromBase64String(base64.Trim()); }
        catch (FormatException)
        {
            throw new FormatException($"Key '{keyId}' is not valid base64. Generate a key with `backupctl keys new`.");
        }
        try { return new KeyEncryptionKey(keyId, bytes); }
        finally { CryptographicOperations.ZeroMemory(bytes); }
    }

    internal string ToBase64() => Convert.ToBase64String(_key);

    public static void ValidateId(string keyId)
    {
        if (string.IsNullOrWhiteSpace(keyId))
            throw new ArgumentException("A key id must not be empty.", nameof(keyId));
        if (Encoding.UTF8.GetByteCount(keyId) > 255)
            throw new ArgumentException($"Key id '{keyId}' is longer than 255 UTF-8 bytes.", nameof(keyId));
        foreach (var c in keyId)
            if (char.IsControl(c) || char.IsWhiteSpace(c))
                throw new ArgumentException($"Key id '{keyId}' contains whitespace or control characters.", nameof(keyId));
    }

    public override string ToString() => $"KeyEncryptionKey({KeyId})";
}
