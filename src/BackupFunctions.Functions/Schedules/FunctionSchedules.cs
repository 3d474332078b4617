using BackupFunctions.Workflows.Schedules;
using Microsoft.Extensions.Configuration;

namespace BackupFunctions.Functions.Schedules;

/// <summary>
/// The product's schedules (<see cref="ScheduleName"/>), each read from its app setting (<c>FullBackupSchedule</c>,
/// ...) over the default, and mapped to the orchestration and the units it starts. The timer trigger reads the same
/// setting, so the due time computed here is the one the host fired for.
/// </summary>
public sealed class FunctionSchedules
{
    private readonly Dictionary<string, FunctionSchedule> _byName;

    private FunctionSchedules(IEnumerable<FunctionSchedule> all) =>
        _byName = all.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<FunctionSchedule> All => _byName.Values;

    public FunctionSchedule this[string name] => _byName[name];

    /// <summary>
    /// The Functions host's switch <c>AzureWebJobs.&lt;Function&gt;.Disabled</c> (also written with <c>__</c>), read as the host
    /// does: "true" or "1" turns the function off.
    /// </summary>
    public static bool IsDisabled(IConfiguration configuration, string functionName)
    {
        var value = configuration[$"AzureWebJobs.{functionName}.Disabled"] ?? configuration[$"AzureWebJobs:{functionName}:Disabled"];
        return value is not null && (value.Trim() == "1" || bool.TryParse(value.Trim(), out var disabled) && disabled);
    }

    /// <summary>Reads every schedule's setting; a bad expression throws with the setting's name.</summary>
    public static FunctionSchedules FromConfiguration(IConfiguration configuration) =>
        new(ScheduleName.DefaultCron.Keys.Select(name =>
        {
            var setting = FunctionSchedule.SettingNameOf(name);
            CronSchedule cron;
            try
            {
                // Five fields too: the timer trigger accepts them from the same setting.
                cron = CronSchedule.Parse(ScheduleName.CronOrDefault(name, configuration[setting]), allowFiveFields: true);
            }
            catch (FormatException e)
            {
                throw new InvalidOperationException($"App setting {setting}: {e.Message}", e);
            }

            var target = ScheduleTarget.For(name);
            return new FunctionSchedule(name, cron, target.Orchestration, target.Units) { Enabled = !IsDisabled(configuration, FunctionSchedule.FunctionNameOf(name)) };
        }));
}
