using System.Globalization;
using System.Text.RegularExpressions;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>The recovery target as an operator writes it: an ISO 8601 time with an offset, or "latest" (null: replay everything archived).</summary>
public static partial class PitrTargetTime
{
    public const string Latest = "latest";

    /// <summary>True and the UTC time (null for "latest") when <paramref name="value"/> is one; false for anything else.</summary>
    public static bool TryParse(string? value, out DateTimeOffset? target)
    {
        target = null;
        if (string.IsNullOrWhiteSpace(value)) return false;
        if (value.Equals(Latest, StringComparison.OrdinalIgnoreCase)) return true;
        // A time without an offset would be read in this machine's zone, which is rarely what an operator meant.
        if (!HasOffset().IsMatch(value) || !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)) return false;
        target = t.ToUniversalTime();
        return true;
    }

    public static string Describe(DateTimeOffset? target) =>
        target is { } t ? t.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture) : "the end of the archive (latest)";

    [GeneratedRegex(@"([zZ]|[+-]\d\d:?\d\d)$")]
    private static partial Regex HasOffset();
}
