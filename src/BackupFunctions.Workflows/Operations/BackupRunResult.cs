using BackupFunctions.Pipeline.Manifests;

namespace BackupFunctions.Workflows.Operations;

public sealed record BackupRunResult(
    string BackupId,
    string Database,
    BackupRunStatus Status,
    BackupManifest? Manifest,
    IReadOnlyList<CopyOutcome> Copies,
    TimeSpan Duration,
    string? Error = null);
