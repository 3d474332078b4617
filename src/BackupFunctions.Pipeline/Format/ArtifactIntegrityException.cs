namespace BackupFunctions.Pipeline.Format;

/// <summary>
/// The artifact is damaged, truncated, extended, reordered or not the artifact that was expected.
/// Never retry a decode of the same bytes: fetch another copy.
/// </summary>
public sealed class ArtifactIntegrityException : Exception
{
    public ArtifactIntegrityException(string message, Exception? inner = null) : base(message, inner) { }
}
