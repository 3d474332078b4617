using System.Globalization;

namespace BackupFunctions.Host.Schedules;

/// <summary>
/// The orchestration instance id of one due time of one schedule. Being a pure function of
/// (schedule, due time), every host computes the same id, and the engine's start-if-absent makes
/// the run happen once however many hosts fire.
/// </summary>
public static class ScheduledInstanceId
{
    public const string Prefix = "schedule:";

    public static string For(string scheduleName, DateTime dueUtc) =>
        $"{PrefixFor(scheduleName)}{dueUtc.ToUniversalTime().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";

    public static string PrefixFor(string scheduleName) => $"{Prefix}{scheduleName.ToLowerInvariant()}:";
}
