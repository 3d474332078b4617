namespace BackupFunctions.Workflows.Alerts;

/// <summary>
/// The dedupe keys that name a condition, built in one place so that the run that raises a condition and the run
/// that clears it agree. A tenant backup's kind segment carries the tenant (tenant.acme): one tenant's good run
/// must not clear another's failure.
/// </summary>
public static class AlertKeys
{
    /// <param name="status">"Failed" or "Partial".</param>
    public static string BackupRun(string? database, string kind, string? tenantId, string status) =>
        $"backup:{database}:{Kind(kind, tenantId)}:{status}";

    public static string BackupSize(string? database, string kind, string? tenantId) => $"backup-size:{database}:{Kind(kind, tenantId)}";

    public static string BackupDuration(string? database, string kind, string? tenantId) => $"backup-duration:{database}:{Kind(kind, tenantId)}";

    /// <summary>What <c>RestoreFlow</c> raises when a restore (kind "test" or "restore") fails.</summary>
    public static string Restore(string kind) => $"restore:{kind}";

    /// <summary>The dead-man condition of one unit of a schedule: <c>schedule.missed:FullBackup:app</c>.</summary>
    public static string MissedSchedule(string schedule, string? unitKey) =>
        unitKey is null ? $"schedule.missed:{schedule}" : $"schedule.missed:{schedule}:{unitKey}";

    /// <summary>The usage condition of one target: <c>target.usage:s3</c>.</summary>
    public static string TargetUsage(string target) => $"target.usage:{target}";

    private static string Kind(string kind, string? tenantId)
    {
        var k = kind.ToLowerInvariant();
        return string.IsNullOrEmpty(tenantId) ? k : $"{k}.{tenantId}";
    }
}
