namespace BackupFunctions.Targets;

/// <summary>The SHA-256 and length of a stored object, as read back from its target.</summary>
/// <param name="Sha256">Lowercase hex.</param>
public sealed record StoredHash(string Key, long Length, string Sha256);
