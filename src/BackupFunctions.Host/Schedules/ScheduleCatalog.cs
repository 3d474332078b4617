using BackupFunctions.Host.Hosting;
using BackupFunctions.Workflows.Schedules;
using Microsoft.Extensions.Configuration;

namespace BackupFunctions.Host.Schedules;

/// <summary>
/// The product's schedules, each read from "BackupFunctions:Schedules:{Name}" over the DESIGN.md defaults, and
/// mapped to the orchestration it starts. Parsed once at start-up, so a bad expression stops the host with a
/// message instead of silently never firing.
/// </summary>
public sealed class ScheduleCatalog
{
    public const string SectionName = "BackupFunctions:Schedules";

    private ScheduleCatalog(IReadOnlyList<ScheduleDefinition> all) => All = all;

    public IReadOnlyList<ScheduleDefinition> All { get; }

    public static ScheduleCatalog FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var all = new List<ScheduleDefinition>();
        foreach (var name in ScheduleName.DefaultCron.Keys)
        {
            var options = section.GetSection(name).Get<ScheduleOptions>() ?? new ScheduleOptions();
            CronSchedule cron;
            try
            {
                cron = CronSchedule.Parse(ScheduleName.CronOrDefault(name, options.Cron));
            }
            catch (FormatException ex)
            {
                throw new HostStartupException($"{SectionName}:{name}:Cron: {ex.Message}");
            }

            var target = ScheduleTarget.For(name);
            all.Add(new ScheduleDefinition(name, cron, options.Enabled, options.RunMissedOnStartup, target.Orchestration, target.Units));
        }

        return new ScheduleCatalog(all);
    }
}
