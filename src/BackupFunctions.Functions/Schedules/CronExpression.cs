using NCrontab;

namespace BackupFunctions.Functions.Schedules;

/// <summary>
/// An NCRONTAB schedule in UTC, as the timer trigger reads it (6 fields with seconds first, or 5 without), and
/// the one question a timer function asks: which due time is this firing for.
/// </summary>
public sealed class CronExpression
{
    // Widening windows keep the look-back cheap for hourly schedules and still find monthly ones.
    private static readonly TimeSpan[] LookBack =
        [TimeSpan.FromHours(2), TimeSpan.FromDays(2), TimeSpan.FromDays(40), TimeSpan.FromDays(400)];

    private readonly CrontabSchedule _schedule;

    private CronExpression(string text, CrontabSchedule schedule)
    {
        Text = text;
        _schedule = schedule;
    }

    public string Text { get; }

    public static CronExpression Parse(string text)
    {
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is not (5 or 6))
        {
            throw new FormatException(
                $"Schedule '{text}' has {fields.Length} fields; expected an NCRONTAB expression of 6 fields (seconds first, e.g. '0 0 2 * * *') or 5.");
        }

        var parsed = CrontabSchedule.TryParse(string.Join(' ', fields), new CrontabSchedule.ParseOptions { IncludingSeconds = fields.Length == 6 });
        return parsed is null
            ? throw new FormatException($"Schedule '{text}' is not a valid NCRONTAB expression.")
            : new CronExpression(text, parsed);
    }

    /// <summary>The latest due time at or before <paramref name="nowUtc"/>, or null when there was none in 400 days.</summary>
    public DateTime? LatestAtOrBefore(DateTime nowUtc)
    {
        var end = nowUtc.AddTicks(1); // the end is exclusive; "now" itself counts
        foreach (var window in LookBack)
        {
            DateTime? last = null;
            foreach (var due in _schedule.GetNextOccurrences(nowUtc - window, end))
            {
                last = due;
            }

            if (last is not null)
            {
                return DateTime.SpecifyKind(last.Value, DateTimeKind.Utc);
            }
        }

        return null;
    }
}
