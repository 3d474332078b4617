using NCrontab;

namespace BackupFunctions.Workflows.Schedules;

/// <summary>
/// A parsed NCRONTAB schedule in UTC (6 fields, seconds first), with the two questions a timer asks: what is due
/// next, and what was the latest due time at or before now.
/// </summary>
public sealed class CronSchedule
{
    // Widening windows keep "latest due time" cheap for second-level schedules and still find monthly ones.
    private static readonly TimeSpan[] LookBackWindows =
        [TimeSpan.FromMinutes(5), TimeSpan.FromDays(1), TimeSpan.FromDays(40), TimeSpan.FromDays(400)];

    private readonly CrontabSchedule _schedule;

    private CronSchedule(string expression, CrontabSchedule schedule)
    {
        Expression = expression;
        _schedule = schedule;
    }

    public string Expression { get; }

    /// <summary>
    /// Parses a 6-field expression. <paramref name="allowFiveFields"/> also takes the classic 5 fields (no seconds):
    /// the Functions timer trigger accepts those, so the Function App must read its settings as the trigger does;
    /// the self-hosted host documents 6 fields only.
    /// </summary>
    public static CronSchedule Parse(string expression, bool allowFiveFields = false)
    {
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 6 && !(allowFiveFields && fields.Length == 5))
        {
            var expected = allowFiveFields ? "6 (NCRONTAB with seconds first, e.g. '0 0 2 * * *') or 5 (without seconds)" : "6 (NCRONTAB with seconds first, e.g. '0 0 2 * * *')";
            throw new FormatException($"Schedule '{expression}' has {fields.Length} fields; expected {expected}.");
        }

        var parsed = CrontabSchedule.TryParse(string.Join(' ', fields), new CrontabSchedule.ParseOptions { IncludingSeconds = fields.Length == 6 });
        return parsed is null
            ? throw new FormatException($"Schedule '{expression}' is not a valid NCRONTAB expression.")
            : new CronSchedule(expression, parsed);
    }

    /// <summary>The first due time strictly after <paramref name="afterUtc"/>.</summary>
    public DateTime NextAfter(DateTime afterUtc) => DateTime.SpecifyKind(_schedule.GetNextOccurrence(afterUtc), DateTimeKind.Utc);

    /// <summary>The latest due time at or before <paramref name="nowUtc"/>, or null when none in the last 400 days.</summary>
    public DateTime? LatestAtOrBefore(DateTime nowUtc)
    {
        // GetNextOccurrences excludes the end, so extend it by one tick to include "now" itself.
        var end = nowUtc.AddTicks(1);
        foreach (var window in LookBackWindows)
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
