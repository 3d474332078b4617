namespace BackupFunctions.Cli;

/// <summary>The command line or the configuration is wrong; exit code 2, and the message says what to fix.</summary>
public sealed class UsageException(string message) : Exception(message);
