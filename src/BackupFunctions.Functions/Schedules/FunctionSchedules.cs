using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using Microsoft.Extensions.Configuration;

namespace BackupFunctions.Functions.Schedules;

/// <summary>
/// The product's six schedules (DESIGN.md), each read from its app setting (<c>FullBackupSchedule</c>, ...) over the
/// default, and mapped to the orchestration and the units it starts. The timer trigger reads the same setting, so
/// the due time computed here is the one the host fired for.
/// </summary>
public sealed class FunctionSchedules
{
    public const string FullBackup = "FullBackup";
    public const string TenantBackup = "TenantBackup";
    public const string FilesBackup = "FilesBackup";
    public const string IntegrityCheck = "IntegrityCheck";
    public const string Retention = "Retention";
    public const string TestRestore = "TestRestore";

    public static IReadOnlyDictionary<string, string> DefaultCron { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [FullBackup] = "0 0 2 * * *",
        [TenantBackup] = "0 0 3 * * 0",
        [FilesBackup] = "0 0 4 * * *",
        [IntegrityCheck] = "0 0 * * * *",
        [Retention] = "0 30 4 * * *",
        [TestRestore] = "0 0 5 1 * *",
    };

    private readonly Dictionary<string, FunctionSchedule> _byName;

    private FunctionSchedules(IEnumerable<FunctionSchedule> all) =>
        _byName = all.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<FunctionSchedule> All => _byName.Values;

    public FunctionSchedule this[string name] => _byName[name];

    /// <summary>Reads every schedule's setting; a bad expression throws with the setting's name.</summary>
    public static FunctionSchedules FromConfiguration(IConfiguration configuration) =>
        new(DefaultCron.Select(pair =>
        {
            var setting = FunctionSchedule.SettingNameOf(pair.Key);
            var text = configuration[setting] is { Length: > 0 } configured && !string.IsNullOrWhiteSpace(configured) ? configured.Trim() : pair.Value;
            CronExpression cron;
            try
            {
                cron = CronExpression.Parse(text);
            }
            catch (FormatException e)
            {
                throw new InvalidOperationException($"App setting {setting}: {e.Message}", e);
            }

            var (orchestration, units) = Target(pair.Key);
            return new FunctionSchedule(pair.Key, cron, orchestration, units);
        }));

    private static (string Orchestration, Func<BackupFunctionsOptions, IReadOnlyList<ScheduledUnit>> Units) Target(string name) => name switch
    {
        FullBackup => (OrchestrationNames.FullBackup, o => PerDatabase(o, db => new BackupRequest { Kind = BackupKinds.Full, Database = db })),
        TenantBackup => (OrchestrationNames.TenantBackup, o => o.Tenants.TenantIds
            .Where(t => !string.IsNullOrWhiteSpace(t))
            .Distinct(StringComparer.Ordinal)
            .Select(t => new ScheduledUnit(t, new BackupRequest { Kind = BackupKinds.Tenant, TenantId = t }))
            .ToList()),
        FilesBackup => (OrchestrationNames.FilesBackup, _ => [new ScheduledUnit(null, new BackupRequest { Kind = BackupKinds.Files })]),
        IntegrityCheck => (OrchestrationNames.VerifyIntegrity, _ => [new ScheduledUnit(null, new VerifyIntegrityRequest())]),
        Retention => (OrchestrationNames.Retention, _ => [new ScheduledUnit(null, null)]),
        TestRestore => (OrchestrationNames.TestRestore, o => PerDatabase(o, db => new RestoreRequest { BackupId = "latest", Database = db })),
        _ => throw new InvalidOperationException($"Schedule '{name}' has no orchestration."),
    };

    /// <summary>One unit per configured database; with none configured, one for the connection string's database.</summary>
    private static IReadOnlyList<ScheduledUnit> PerDatabase(BackupFunctionsOptions options, Func<string?, object> input)
    {
        var databases = options.Source.Databases.Where(d => !string.IsNullOrWhiteSpace(d)).Distinct(StringComparer.Ordinal).ToList();
        return databases.Count == 0
            ? [new ScheduledUnit(null, input(null))]
            : databases.Select(db => new ScheduledUnit(db, input(db))).ToList();
    }
}
