using System.Formats.Tar;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>
/// The backup_label file pg_basebackup puts first in its tar: where WAL replay must start. Read
/// from the first bytes of the stream as it flows by, so the backup is never read twice.
/// </summary>
public sealed partial record BackupLabel(string StartLsn, string StartWalFile, int Timeline)
{
    public static BackupLabel Parse(string text)
    {
        var start = StartPattern().Match(text);
        var timeline = TimelinePattern().Match(text);
        if (!start.Success)
            throw new FormatException("backup_label has no 'START WAL LOCATION' line; this is not a pg_basebackup of PostgreSQL 10 or later.");
        return new BackupLabel(start.Groups[1].Value, start.Groups[2].Value,
            timeline.Success ? int.Parse(timeline.Groups[1].Value, CultureInfo.InvariantCulture) : Convert.ToInt32(start.Groups[2].Value[..8], 16));
    }

    /// <summary>Finds backup_label among the first tar entries held in <paramref name="tarPrefix"/>.</summary>
    public static BackupLabel FromTarPrefix(ReadOnlySpan<byte> tarPrefix)
    {
        using var reader = new TarReader(new MemoryStream(tarPrefix.ToArray()));
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var entry = reader.GetNextEntry(copyData: true);
                if (entry is null) break;
                if (entry.Name.TrimStart('.', '/') == "backup_label" && entry.DataStream is not null)
                {
                    using var text = new StreamReader(entry.DataStream, Encoding.UTF8);
                    return Parse(text.ReadToEnd());
                }
            }
        }
        catch (EndOfStreamException)
        {
            // The prefix ended inside an entry: backup_label was not among the entries it holds.
        }

        throw new FormatException("pg_basebackup's tar does not start with backup_label; cannot tell where WAL replay starts.");
    }

    [GeneratedRegex(@"START WAL LOCATION: ([0-9A-F]+/[0-9A-F]+) \(file ([0-9A-F]{24})\)")]
    private static partial Regex StartPattern();

    [GeneratedRegex(@"START TIMELINE: (\d+)")]
    private static partial Regex TimelinePattern();
}
