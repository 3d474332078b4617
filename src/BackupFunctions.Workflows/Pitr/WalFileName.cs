using System.Globalization;
using System.Text.RegularExpressions;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>
/// The names PostgreSQL archives: a segment (24 hex digits: timeline, log, segment), a timeline
/// history file (00000002.history), a backup history file (…​.backup) or a partial segment
/// (…​.partial). Anything else is refused, so a wrong %p or %f can never become a stray key.
/// </summary>
public static partial class WalFileName
{
    public static bool IsValid(string name) => Pattern().IsMatch(name);

    public static bool IsSegment(string name) => SegmentPattern().IsMatch(name);

    public static bool IsHistory(string name) => name.EndsWith(".history", StringComparison.Ordinal) && IsValid(name);

    public static void Validate(string name)
    {
        if (!IsValid(name))
            throw new ArgumentException($"'{name}' is not a WAL file name PostgreSQL archives (24 hex digits, optionally .partial or .backup, or TTTTTTTT.history).");
    }

    /// <summary>
    /// The <paramref name="count"/> segments after <paramref name="segment"/> on the same timeline,
    /// for a cluster whose segments are <paramref name="segmentSizeMiB"/> MiB (256 segments of 16 MiB per 4 GiB log file).
    /// </summary>
    public static IReadOnlyList<string> Following(string segment, int count, int segmentSizeMiB = 16)
    {
        if (!IsSegment(segment) || count <= 0) return [];
        var timeline = segment[..8];
        var log = uint.Parse(segment.AsSpan(8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var seg = uint.Parse(segment.AsSpan(16, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var perLog = (uint)(0x1_0000_0000L / ((long)segmentSizeMiB << 20));
        var result = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            seg++;
            if (seg >= perLog)
            {
                seg = 0;
                log++;
            }

            result.Add(string.Create(CultureInfo.InvariantCulture, $"{timeline}{log:X8}{seg:X8}"));
        }

        return result;
    }

    /// <summary>
    /// The segment a name archived by PostgreSQL is about: itself, or the one a backup history file (…​.backup) or a
    /// partial segment names; null for a timeline history file or anything else.
    /// </summary>
    public static string? SegmentOf(string? archived) =>
        archived is { Length: >= 24 } && IsValid(archived) && IsSegment(archived[..24]) ? archived[..24] : null;

    /// <summary>The position of a segment on its timeline (log × segments per log + segment), for counting the segments between two.</summary>
    public static long SegmentNumber(string segment, int segmentSizeMiB = 16)
    {
        if (!IsSegment(segment)) throw new ArgumentException($"'{segment}' is not a WAL segment name (24 hex digits).", nameof(segment));
        var log = uint.Parse(segment.AsSpan(8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var seg = uint.Parse(segment.AsSpan(16, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return (long)log * (0x1_0000_0000L / ((long)segmentSizeMiB << 20)) + seg;
    }

    [GeneratedRegex(@"^([0-9A-F]{24}(\.partial|\.[0-9A-F]{8}\.backup)?|[0-9A-F]{8}\.history)$")]
    private static partial Regex Pattern();

    [GeneratedRegex(@"^[0-9A-F]{24}$")]
    private static partial Regex SegmentPattern();
}
