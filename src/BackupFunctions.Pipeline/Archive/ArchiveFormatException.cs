namespace BackupFunctions.Pipeline.Archive;

/// <summary>
/// The file is not a custom-format archive this code understands (a newer archive version, a
/// truncated file, a field out of range). The caller restores without the offsets instead.
/// </summary>
public sealed class ArchiveFormatException(string message) : Exception(message);
