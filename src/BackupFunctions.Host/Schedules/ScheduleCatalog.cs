using BackupFunctions.Host.Hosting;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using Microsoft.Extensions.Configuration;

namespace BackupFunctions.Host.Schedules;

/// <summary>
/// The product's six schedules, each read from "BackupFunctions:Schedules:{Name}" over the DESIGN.md defaults, and
/// mapped to the orchestration it starts. Parsed once at start-up, so a bad expression stops the host with a
/// message instead of silently never firing.
/// </summary>
public sealed class ScheduleCatalog
{
    public const string SectionName = "BackupFunctions:Schedules";

    private ScheduleCatalog(IReadOnlyList<ScheduleDefinition> all) => All = all;

    public IReadOnlyList<ScheduleDefinition> All { get; }

    public ScheduleDefinition? FindByFunctionName(string functionName) =>
        All.FirstOrDefault(s => s.FunctionName.Equals(functionName, StringComparison.OrdinalIgnoreCase));

    public static ScheduleCatalog FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var all = new List<ScheduleDefinition>();
        foreach (var (name, defaultCron) in ScheduleName.DefaultCron)
        {
            var options = section.GetSection(name).Get<ScheduleOptions>() ?? new ScheduleOptions();
            var expression = string.IsNullOrWhiteSpace(options.Cron) ? defaultCron : options.Cron.Trim();
            CronSchedule cron;
            try
            {
                cron = CronSchedule.Parse(expression);
            }
            catch (FormatException ex)
            {
                throw new HostStartupException($"{SectionName}:{name}:Cron: {ex.Message}");
            }

            var (orchestration, units) = Target(name);
            all.Add(new ScheduleDefinition(name, cron, options.Enabled, options.RunMissedOnStartup, orchestration, units));
        }

        return new ScheduleCatalog(all);
    }

    private static (string Orchestration, Func<Workflows.Configuration.BackupFunctionsOptions, IReadOnlyList<ScheduledUnit>> Units) Target(string name) => name switch
    {
        ScheduleName.FullBackup => (OrchestrationNames.FullBackup, o => PerDatabase(o, db => new BackupRequest { Kind = BackupKinds.Full, Database = db })),
        ScheduleName.TenantBackup => (OrchestrationNames.TenantBackup, o => o.Tenants.TenantIds
            .Where(t => !string.IsNullOrWhiteSpace(t))
            .Select(t => new ScheduledUnit(t, new BackupRequest { Kind = BackupKinds.Tenant, TenantId = t }))
            .ToList()),
        ScheduleName.FilesBackup => (OrchestrationNames.FilesBackup, _ => [new ScheduledUnit(null, new BackupRequest { Kind = BackupKinds.Files })]),
        ScheduleName.IntegrityCheck => (OrchestrationNames.VerifyIntegrity, _ => [new ScheduledUnit(null, null)]),
        ScheduleName.Retention => (OrchestrationNames.Retention, _ => [new ScheduledUnit(null, null)]),
        ScheduleName.TestRestore => (OrchestrationNames.TestRestore, o => PerDatabase(o, db => new RestoreRequest { BackupId = "latest", Database = db })),
        _ => throw new InvalidOperationException($"Schedule '{name}' has no orchestration."),
    };

    /// <summary>One unit per configured database; with none configured, one for the connection string's database.</summary>
    private static IReadOnlyList<ScheduledUnit> PerDatabase(Workflows.Configuration.BackupFunctionsOptions options, Func<string?, object> input)
    {
        var databases = options.Source.Databases.Where(d => !string.IsNullOrWhiteSpace(d)).Distinct(StringComparer.Ordinal).ToList();
        return databases.Count == 0
            ? [new ScheduledUnit(null, input(null))]
            : databases.Select(db => new ScheduledUnit(db, input(db))).ToList();
    }
}
