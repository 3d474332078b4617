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

    /// <summary>The id of one unit (a database or tenant) of a due time; the unit key is appended as given.</summary>
    public static string For(string scheduleName, DateTime dueUtc, string? unitKey) =>
        unitKey is null ? For(scheduleName, dueUtc) : $"{For(scheduleName, dueUtc)}:{unitKey}";

    public static string PrefixFor(string scheduleName) => $"{Prefix}{scheduleName.ToLowerInvariant()}:";
}
