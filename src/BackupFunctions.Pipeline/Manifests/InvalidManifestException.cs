namespace BackupFunctions.Pipeline.Manifests;

/// <summary>
/// A manifest that cannot be used: not valid JSON, a required field missing or malformed, or a signature
/// that does not verify (forged or altered). The copy is skipped; another target's copy may be good.
/// </summary>
public sealed class InvalidManifestException(string message, Exception? inner = null) : FormatException(message, inner)
{
    /// <summary>True when the content parsed but the signature failed or was removed: someone altered it.</summary>
    public bool Forged { get; init; }
}
