namespace BackupFunctions.Workflows.Models;

/// <summary>The outcome of the cutover webhook call; Called=false when no webhook is configured.</summary>
public sealed record CutoverResult(bool Called, string? Url, int? StatusCode, bool Succeeded, string? Error);
