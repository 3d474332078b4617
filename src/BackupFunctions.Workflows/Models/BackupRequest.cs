namespace BackupFunctions.Workflows.Models;

/// <summary>
/// Input of the backup orchestrations, and the body of POST /api/backups:
/// {"kind":"full|tenant|files","database":null,"tenantId":null,"targets":null}.
/// </summary>
public sealed record BackupRequest
{
    /// <summary>"full" (default), "tenant" or "files".</summary>
    public string Kind { get; init; } = "full";

    /// <summary>Null means the source connection string's database.</summary>
    public string? Database { get; init; }

    /// <summary>Required for kind "tenant".</summary>
    public string? TenantId { get; init; }

    /// <summary>Target names; null or empty means every configured target.</summary>
    public IReadOnlyList<string>? Targets { get; init; }

    /// <summary>Set by the orchestration on its first step (from its deterministic clock), so retries reuse the same object keys.</summary>
    public string? BackupId { get; init; }
}
