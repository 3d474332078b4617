namespace BackupFunctions.Workflows.Models;

/// <summary>
/// Input of the backup orchestrations, and the body of POST /api/backups:
/// {"kind":"full|tenant|files","database":null,"tenantId":null,"targets":null}.
/// There is no backup id here on purpose: the orchestration mints it (from its deterministic clock and
/// NewGuid), so a request can never name, and so overwrite, an existing backup.
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
}
