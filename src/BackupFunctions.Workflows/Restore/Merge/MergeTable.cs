using BackupFunctions.Pipeline.Inspection;

namespace BackupFunctions.Workflows.Restore.Merge;

/// <summary>
/// A table of the merge target. <see cref="TenantPredicate"/> is the SQL condition that selects one
/// tenant's rows (its row-level security policies, with the tenant setting set in the session); null
/// for a table without row-level security, which all tenants share.
/// </summary>
public sealed record MergeTable(TableName Name, string? TenantPredicate)
{
    public bool IsShared => TenantPredicate is null;
}
