namespace BackupFunctions.Workflows.Catalog;

/// <summary>
/// A manifest found in a target and not used: malformed, altered, forged, or lying about where it is.
/// <see cref="BackupId"/> is the id its place in the target names (the manifest itself is not trusted).
/// </summary>
public sealed record InvalidManifest(string Target, string Key, string? BackupId, string Reason, bool Forged);
