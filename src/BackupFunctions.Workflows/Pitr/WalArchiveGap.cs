using System.Globalization;
using BackupFunctions.Targets;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>
/// After a restore to "latest": did recovery replay everything the archive holds? PostgreSQL takes a
/// missing segment for the end of the archive and promotes, so a hole in the archive would otherwise
/// pass silently with every later transaction lost. The new timeline's history file says where the
/// old timeline was left; any archived segment of that timeline past it was never replayed.
/// </summary>
public static class WalArchiveGap
{
    /// <summary>The archived segments of the parent timeline after the switch point, in order; empty when recovery replayed all.</summary>
    public static async Task<IReadOnlyList<string>> UnreplayedAsync(BackupEnvironment env, string dataDirectory, int newTimeline, CancellationToken ct)
    {
        var history = Path.Combine(dataDirectory, "pg_wal", newTimeline.ToString("X8", CultureInfo.InvariantCulture) + ".history");
        if (!File.Exists(history)) return [];
        var (parent, switchSegment) = ParseLastSwitch(await File.ReadAllLinesAsync(history, ct), env.Options.Pitr.WalSegmentSizeMiB);
        var prefix = PitrKeys.WalPrefix(env.Options.Pitr.Cluster) + parent.ToString("X8", CultureInfo.InvariantCulture);
        var beyond = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var target in WalTargets.Select(env))
        {
            try
            {
                await foreach (var item in target.ListAsync(prefix, ct))
                {
                    var name = Path.GetFileName(item.Key);
                    if (!name.EndsWith(".json", StringComparison.Ordinal)) continue;
                    name = name[..^5];
                    if (WalFileName.IsSegment(name) && string.CompareOrdinal(name[8..], switchSegment) > 0) beyond.Add(name);
                }
            }
            catch (TargetException)
            {
                // A target that cannot be listed proves nothing either way; the others still can.
            }
        }

        return beyond.ToList();
    }

    /// <summary>The last line of a timeline history file: "parentTLI  switchpoint  reason" → the parent and the log+segment part of the switch segment.</summary>
    public static (int Parent, string SwitchSegment) ParseLastSwitch(IEnumerable<string> lines, int segmentSizeMiB)
    {
        var last = lines.Select(l => l.Trim()).LastOrDefault(l => l.Length > 0 && !l.StartsWith('#'))
            ?? throw new FormatException("The timeline history file is empty.");
        var parts = last.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
        var parent = int.Parse(parts[0], CultureInfo.InvariantCulture);
        var lsn = parts[1].Split('/');
        var value = (ulong.Parse(lsn[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture) << 32) | ulong.Parse(lsn[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var segmentBytes = (ulong)segmentSizeMiB << 20;
        var segmentNo = value / segmentBytes;
        var perLog = 0x1_0000_0000UL / segmentBytes;
        return (parent, string.Create(CultureInfo.InvariantCulture, $"{segmentNo / perLog:X8}{segmentNo % perLog:X8}"));
    }
}
