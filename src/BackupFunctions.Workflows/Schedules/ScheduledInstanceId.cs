using System.Globalization;

namespace BackupFunctions.Workflows.Schedules;

/// <summary>
/// The orchestration instance id of one unit of one due time of a schedule:
/// <c>schedule:&lt;name&gt;:&lt;yyyyMMddTHHmmssZ&gt;[:&lt;unit&gt;]</c> (docs/http-api.md). Being a pure function of
/// (schedule, due time, unit), every host computes the same id, so a due time that already has an instance is never
/// started twice, and a prefix query lists a schedule's history.
/// </summary>
public static class ScheduledInstanceId
{
    public const string Prefix = "schedule:";

    /// <summary>The id of a due time; with a unit key (a database or tenant), the key is appended as given.</summary>
    public static string For(string scheduleName, DateTime dueUtc, string? unitKey = null)
    {
        var id = PrefixFor(scheduleName) + dueUtc.ToUniversalTime().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        return unitKey is null ? id : $"{id}:{unitKey}";
    }

    public static string PrefixFor(string scheduleName) => $"{Prefix}{scheduleName.ToLowerInvariant()}:";
}
