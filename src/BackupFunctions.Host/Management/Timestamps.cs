using System.Globalization;

namespace BackupFunctions.Host.Management;

/// <summary>The two time formats of the Durable Functions API.</summary>
internal static class Timestamps
{
    /// <summary>createdTime and lastUpdatedTime: whole seconds, UTC, "yyyy-MM-ddTHH:mm:ssZ".</summary>
    public static string Status(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>History timestamps keep their fractions, so events in one step stay ordered.</summary>
    public static string Precise(DateTime value) =>
        DateTime.SpecifyKind(value, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
