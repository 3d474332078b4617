namespace BackupFunctions.Pipeline.Manifests;

/// <summary>
/// The "signature" of a manifest: HMAC-SHA256 over its canonical JSON (every field but this one), keyed
/// by a subkey of the key-encryption key <see cref="KeyId"/> (docs/repository-format.md).
/// </summary>
public sealed record ManifestSignature(string KeyId, string Algorithm, string Value)
{
    public const string HmacSha256 = "HMAC-SHA256";
}
