namespace BackupFunctions.Workflows.Catalog;

public sealed record CatalogBackup(
    string BackupId,
    string Kind,
    string? Database,
    string? TenantId,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt,
    long RawBytes,
    long StoredBytes,
    string StoredSha256,
    string? KeyId,
    string? InstanceId,
    string? Error,
    IReadOnlyList<CatalogCopy> Copies,
    IReadOnlyDictionary<string, long> RowCounts);

public sealed record CatalogCopy(string Target, string ObjectKey, bool Verified, DateTimeOffset? VerifiedAt, DateTimeOffset? LastCheckedAt, string? LastError);
