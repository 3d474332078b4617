namespace BackupFunctions.Workflows.Schedules;

/// <summary>What the dead-man check concludes about one watched schedule (one unit of it) at one moment.</summary>
public enum ScheduleState
{
    /// <summary>No due time of the schedule has run out its grace since it was first watched: nothing to expect yet.</summary>
    NotDue,

    /// <summary>A due time's grace ran out, but the host started too recently to judge it (grace from start).</summary>
    Pending,

    /// <summary>A good run finished at or after the latest due time whose grace has run out.</summary>
    Met,

    /// <summary>No good run since the latest due time, and its grace has run out: the schedule was missed.</summary>
    Missed,
}

/// <param name="DueUtc">The due time judged: the latest one at or before now minus the grace (null when none).</param>
/// <param name="DeadlineUtc">When a good run had to be there by: the due time (or the host's start, if later) plus the grace.</param>
public sealed record ScheduleVerdict(ScheduleState State, DateTime? DueUtc, DateTime? DeadlineUtc);
