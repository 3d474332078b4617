namespace BackupFunctions.Pipeline.Keys;

/// <summary>
/// A key file or key directory other users can read or change. Refused, as OpenSSH refuses a private
/// key others can read: the key-encryption key opens every backup. The message names the path and the fix.
/// </summary>
public sealed class InsecureKeyFileException(string message) : Exception(message);
