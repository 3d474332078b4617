namespace BackupFunctions.Pipeline.Format;

/// <summary>
/// What a manifest says its artifact is. <see cref="ArtifactReader"/> compares it with the header once
/// the data key unwrapped (which authenticates the header), before any plaintext is released: a
/// manifest that disagrees is forged or rolled back, and the copy is refused.
/// </summary>
public sealed record ArtifactExpectation(ArtifactIdentity Identity, int FormatVersion, string KeyId)
{
    /// <exception cref="ArtifactIntegrityException">The header is not the artifact this expectation describes.</exception>
    internal void Check(ArtifactHeader header)
    {
        if (header.Version != FormatVersion)
            throw new ArtifactIntegrityException(
                $"The manifest says artifact format version {FormatVersion} but the artifact is version {header.Version}: the manifest was forged, or an older artifact was copied in its place (rolled back). Use another copy.");
        if (!string.Equals(header.KeyId, KeyId, StringComparison.Ordinal))
            throw new ArtifactIntegrityException(
                $"The manifest says key '{KeyId}' but the artifact was encrypted with key '{header.KeyId}': the manifest does not describe this artifact (forged or rolled back). Use another copy.");
        if (header.Version < 2) return; // version 1 headers carry no identity: such backups are read as unbound (and say so).
        if (header.Identity is null)
            throw new ArtifactIntegrityException("The artifact's header carries no backup identity, but every backup this format writes has one: it is not the artifact its manifest describes. Use another copy.");
        if (!header.Identity.SameAs(Identity))
            throw new ArtifactIntegrityException(
                $"The artifact belongs to {header.Identity}, but its manifest describes {Identity}: the manifest is forged or the artifact was copied under another backup's name (rolled back). Use another copy.");
    }
}
