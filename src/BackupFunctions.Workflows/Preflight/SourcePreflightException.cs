namespace BackupFunctions.Workflows.Preflight;

/// <summary>
/// The source cannot be backed up as configured, found before pg_dump started and before any upload: retrying does not
/// help; the message says what to change.
/// </summary>
public sealed class SourcePreflightException(string message) : Exception(message);
