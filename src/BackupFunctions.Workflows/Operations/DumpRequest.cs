using BackupFunctions.Pipeline.Manifests;

namespace BackupFunctions.Workflows.Operations;

/// <summary>What to dump. The backup id and creation time fix the object keys, so retries are idempotent.</summary>
public sealed record DumpRequest(string BackupId, DateTimeOffset CreatedAt, string? Database)
{
    public BackupKind Kind { get; init; } = BackupKind.Full;

    public string? TenantId { get; init; }

    /// <summary>libpq options for the dump's session, e.g. "-c app.tenant_id=42" for a tenant export.</summary>
    public string? ConnectionOptions { get; init; }

    public IReadOnlyList<string> ExtraDumpArguments { get; init; } = [];

    /// <summary>
    /// Connect with the tenant-export connection (BackupFunctions:Tenants:ConnectionString, a role
    /// subject to RLS) instead of the source's. A flag, not a connection string, so no password
    /// ever lands in durable history.
    /// </summary>
    public bool UseTenantConnection { get; init; }

    /// <summary>Targets to upload to while the dump runs (<see cref="DumpAndStream"/>); empty: stage only.</summary>
    public IReadOnlyList<string> StreamTo { get; init; } = [];
}
