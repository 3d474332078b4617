namespace BackupFunctions.Durable;

/// <summary>Options for terminating an instance.</summary>
public sealed record TerminateInstanceOptions(object? Output = null, bool Recursive = false);
