using System.Security.Cryptography;
using System.Text.Json;
using BackupFunctions.Pipeline.Keys;

namespace BackupFunctions.Pipeline.Manifests;

/// <summary>
/// Signs the small JSON records written beside artifacts other than manifest.json (the PITR base-backup manifest and
/// WAL segment records) with the manifest v2 scheme (<see cref="ManifestSigner"/>): HMAC-SHA256 over the canonical
/// JSON without its top-level "signature", keyed by an HKDF subkey of the key-encryption key. Each kind of record
/// passes its own <c>purpose</c> (the HKDF info), so a signature made for one kind never verifies as another.
/// </summary>
public static class RecordSigner
{
    /// <summary>The signature of <paramref name="unsignedUtf8Json"/> (a "signature" member in it is not covered).</summary>
    public static ManifestSignature Sign(ReadOnlySpan<byte> unsignedUtf8Json, KeyEncryptionKey kek, string purpose)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        using var doc = JsonDocument.Parse(unsignedUtf8Json.ToArray());
        return new ManifestSignature(kek.KeyId, ManifestSignature.HmacSha256, Convert.ToBase64String(Mac(kek, purpose, doc.RootElement)));
    }

    /// <summary>Checks the top-level "signature" of a record read from a target.</summary>
    /// <param name="what">Names the record in messages, e.g. "The record of 000000010000000000000003 in 'local'".</param>
    /// <exception cref="InvalidManifestException">No signature, an unknown key or algorithm, or one that does not match.</exception>
    public static void Verify(ReadOnlySpan<byte> utf8Json, KeyRing keys, string purpose, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(utf8Json.ToArray()); }
        catch (JsonException e) { throw new InvalidManifestException($"{what} is not valid JSON: {e.Message}", e); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty(ManifestCanonicalJson.SignatureProperty, out var signature)
                || signature.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidManifestException(
                    $"{what} has no signature; every record this version writes is signed, so it was removed or the record was not written by BackupFunctions. It is refused.") { Forged = true };
            }

            var keyId = Text(signature, "keyId");
            var algorithm = Text(signature, "algorithm");
            if (algorithm != ManifestSignature.HmacSha256)
                throw new InvalidManifestException($"{what} is signed with algorithm '{algorithm}'; only {ManifestSignature.HmacSha256} is known.") { Forged = true };
            if (!keys.TryGet(keyId ?? "", out var kek))
                throw new InvalidManifestException(
                    $"{what} is signed with key '{keyId}', which the key ring does not hold ({string.Join(", ", keys.KeyIds)}): it cannot be checked. Add that key to the ring.");
            byte[] claimed;
            try { claimed = Convert.FromBase64String(Text(signature, "value") ?? ""); }
            catch (FormatException) { throw new InvalidManifestException($"{what} has a signature that is not base64.") { Forged = true }; }
            if (!CryptographicOperations.FixedTimeEquals(claimed, Mac(kek, purpose, doc.RootElement)))
                throw new InvalidManifestException(
                    $"{what} does not match its signature (key '{kek.KeyId}'): it was altered or forged after it was written, and is refused.") { Forged = true };
        }
    }

    private static string? Text(JsonElement signature, string name) =>
        signature.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[] Mac(KeyEncryptionKey kek, string purpose, JsonElement root)
    {
        var key = kek.DeriveKey(purpose);
        try { return HMACSHA256.HashData(key, ManifestCanonicalJson.Bytes(root)); }
        finally { CryptographicOperations.ZeroMemory(key); }
    }
}
