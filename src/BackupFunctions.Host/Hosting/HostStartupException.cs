namespace BackupFunctions.Host.Hosting;

/// <summary>The settings do not allow the host to start; the message says what to change.</summary>
public sealed class HostStartupException(string message) : Exception(message);
