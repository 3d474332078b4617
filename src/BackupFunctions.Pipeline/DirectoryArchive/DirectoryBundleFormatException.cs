namespace BackupFunctions.Pipeline.DirectoryArchive;

/// <summary>The decoded bytes are not a well-formed directory bundle (the artifact authenticated, so this is a bug or a foreign writer).</summary>
public sealed class DirectoryBundleFormatException(string message) : Exception(message);
