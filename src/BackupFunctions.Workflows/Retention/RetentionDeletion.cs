namespace BackupFunctions.Workflows.Retention;

/// <summary>One copy retention deleted (or started to): what, where, by which rule, when, by which run.</summary>
public sealed record RetentionDeletion(
    long Id, string BackupId, string Target, string ObjectKey, string ManifestKey, string Rule, string Reason,
    string? InstanceId, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt);
