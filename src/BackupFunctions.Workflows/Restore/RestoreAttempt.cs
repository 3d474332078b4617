namespace BackupFunctions.Workflows.Restore;

/// <summary>One try at restoring from one target; failed tries say why, so a person sees the fallback.</summary>
public sealed record RestoreAttempt(string Target, bool Succeeded, string? Error, TimeSpan Duration);
