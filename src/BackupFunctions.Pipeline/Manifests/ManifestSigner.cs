using System.Security.Cryptography;
using System.Text.Json;
using BackupFunctions.Pipeline.Keys;

namespace BackupFunctions.Pipeline.Manifests;

/// <summary>
/// Signs and checks manifest.json: HMAC-SHA256 over <see cref="ManifestCanonicalJson"/>, keyed by an
/// HKDF subkey of the key-encryption key that encrypted the artifact. Anyone who can write to a target
/// but does not hold the key can therefore neither alter a manifest nor write one for a copied artifact.
/// </summary>
public static class ManifestSigner
{
    /// <summary>The HKDF info of the signing subkey: changing it invalidates every signature.</summary>
    internal const string Purpose = "BackupFunctions manifest signature v2";

    /// <summary>manifest.json for <paramref name="manifest"/>, signed with the ring's key for its key id.</summary>
    public static byte[] SignToUtf8Bytes(BackupManifest manifest, KeyRing keys)
    {
        var kek = keys.Get(manifest.KeyId);
        var unsigned = manifest with { ManifestVersion = BackupManifest.CurrentManifestVersion, Signature = null };
        // The canonical form leaves out "signature", so signing the unsigned document's bytes is signing the result.
        using var doc = JsonDocument.Parse(ManifestSerializer.SerializeToUtf8Bytes(unsigned));
        var signature = new ManifestSignature(kek.KeyId, ManifestSignature.HmacSha256, Convert.ToBase64String(Mac(kek, doc.RootElement)));
        return ManifestSerializer.SerializeToUtf8Bytes(unsigned with { Signature = signature });
    }

    /// <summary>Checks the signature of a parsed manifest document.</summary>
    /// <exception cref="InvalidManifestException">The signature is malformed, made with a key the ring lacks, or does not match.</exception>
    internal static void Verify(JsonElement root, ManifestSignature signature, KeyRing keys)
    {
        if (signature.Algorithm != ManifestSignature.HmacSha256)
            throw new InvalidManifestException($"The manifest's signature uses algorithm '{signature.Algorithm}'; only {ManifestSignature.HmacSha256} is known.");
        if (!keys.TryGet(signature.KeyId ?? "", out var kek))
            throw new InvalidManifestException(
                $"The manifest is signed with key '{signature.KeyId}', which the key ring does not hold ({string.Join(", ", keys.KeyIds)}): it cannot be checked. Add that key to the ring.");
        byte[] claimed;
        try { claimed = Convert.FromBase64String(signature.Value ?? ""); }
        catch (FormatException) { throw new InvalidManifestException("The manifest's signature is not base64.") { Forged = true }; }
        if (!CryptographicOperations.FixedTimeEquals(claimed, Mac(kek, root)))
            throw new InvalidManifestException(
                $"The manifest's signature does not verify with key '{kek.KeyId}': the manifest was altered or forged after it was written. It is ignored; use another target's copy.") { Forged = true };
    }

    private static byte[] Mac(KeyEncryptionKey kek, JsonElement root)
    {
        var key = kek.DeriveKey(Purpose);
        try { return HMACSHA256.HashData(key, ManifestCanonicalJson.Bytes(root)); }
        finally { CryptographicOperations.ZeroMemory(key); }
    }
}
