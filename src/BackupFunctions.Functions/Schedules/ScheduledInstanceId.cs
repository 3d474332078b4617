using System.Globalization;

namespace BackupFunctions.Functions.Schedules;

/// <summary>
/// The instance id of one unit of one due time of a schedule: <c>schedule:&lt;name&gt;:&lt;yyyyMMddTHHmmssZ&gt;[:&lt;unit&gt;]</c>,
/// the same ids the self-hosted host gives its scheduled runs (docs/http-api.md), so a prefix query lists a
/// schedule's history and a due time that already has an instance is never started twice.
/// </summary>
public static class ScheduledInstanceId
{
    public const string Prefix = "schedule:";

    public static string For(string scheduleName, DateTime dueUtc, string? unitKey = null)
    {
        var id = PrefixFor(scheduleName) + dueUtc.ToUniversalTime().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        return unitKey is null ? id : $"{id}:{unitKey}";
    }

    public static string PrefixFor(string scheduleName) => $"{Prefix}{scheduleName.ToLowerInvariant()}:";
}
