namespace BackupFunctions.Workflows.Pitr;

/// <summary>A base backup or a point-in-time restore failed; the message says why and what to do.</summary>
public sealed class PitrException(string message, Exception? inner = null) : Exception(message, inner);
