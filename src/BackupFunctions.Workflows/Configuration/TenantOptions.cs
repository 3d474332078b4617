namespace BackupFunctions.Workflows.Configuration;

/// <summary>How one tenant's rows are selected: a session setting the RLS policies read.</summary>
public sealed class TenantOptions
{
    /// <summary>The setting the policies use, as in current_setting('app.tenant_id').</summary>
    public string SessionSetting { get; set; } = "app.tenant_id";

    /// <summary>Tenants the scheduled tenant backup covers.</summary>
    public List<string> TenantIds { get; set; } = [];

    /// <summary>The role a tenant export connects as (must be subject to RLS); empty uses the source connection's role.</summary>
    public string? ConnectionString { get; set; }
}
