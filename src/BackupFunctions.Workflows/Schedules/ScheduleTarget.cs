using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;

namespace BackupFunctions.Workflows.Schedules;

/// <summary>What a schedule starts at each due time: its orchestration, and the units (with their inputs) it runs.</summary>
public sealed record ScheduleTarget(string Orchestration, Func<BackupFunctionsOptions, IReadOnlyList<ScheduledUnit>> Units)
{
    public static ScheduleTarget For(string scheduleName) => scheduleName switch
    {
        ScheduleName.FullBackup => new(OrchestrationNames.FullBackup, o => PerDatabase(o, db => new BackupRequest { Kind = BackupKinds.Full, Database = db })),
        ScheduleName.TenantBackup => new(OrchestrationNames.TenantBackup, PerTenant),
        ScheduleName.FilesBackup => new(OrchestrationNames.FilesBackup, _ => [new ScheduledUnit(null, new BackupRequest { Kind = BackupKinds.Files })]),
        ScheduleName.IntegrityCheck => new(OrchestrationNames.VerifyIntegrity, _ => [new ScheduledUnit(null, new VerifyIntegrityRequest())]),
        ScheduleName.Retention => new(OrchestrationNames.Retention, _ => [new ScheduledUnit(null, null)]),
        ScheduleName.TestRestore => new(OrchestrationNames.TestRestore, o => PerDatabase(o, db => new RestoreRequest { BackupId = "latest", Database = db })),
        // Nothing to start until WAL archiving is set up: a base backup without the WAL after it restores nothing.
        ScheduleName.BaseBackup => new(OrchestrationNames.BaseBackup, o => o.Pitr.Enabled ? [new ScheduledUnit(null, new BaseBackupRequest())] : []),
        ScheduleName.WalArchivingCheck => new(OrchestrationNames.WalArchivingCheck, o => o.Pitr.Enabled ? [new ScheduledUnit(null, null)] : []),
        _ => throw new InvalidOperationException($"Schedule '{scheduleName}' has no orchestration."),
    };

    /// <summary>One unit per configured database; with none configured, one for the connection string's database.</summary>
    private static IReadOnlyList<ScheduledUnit> PerDatabase(BackupFunctionsOptions options, Func<string?, object> input)
    {
        var databases = options.Source.Databases.Where(d => !string.IsNullOrWhiteSpace(d)).Distinct(StringComparer.Ordinal).ToList();
        return databases.Count == 0
            ? [new ScheduledUnit(null, input(null))]
            : databases.Select(db => new ScheduledUnit(db, input(db))).ToList();
    }

    /// <summary>
    /// One unit per configured tenant, none without tenants. A tenant listed twice is one unit: both would get the
    /// same instance id, and the second could only ever be "already started".
    /// </summary>
    private static IReadOnlyList<ScheduledUnit> PerTenant(BackupFunctionsOptions options) => options.Tenants.TenantIds
        .Where(t => !string.IsNullOrWhiteSpace(t))
        .Distinct(StringComparer.Ordinal)
        .Select(t => new ScheduledUnit(t, new BackupRequest { Kind = BackupKinds.Tenant, TenantId = t }))
        .ToList();
}
