namespace BackupFunctions.Workflows.Schedules;

/// <summary>
/// One orchestration a due time starts. A schedule that covers several databases or tenants has one unit each;
/// <see cref="Key"/> tells them apart in the instance id (null for a schedule with a single unit).
/// </summary>
public sealed record ScheduledUnit(string? Key, object? Input);
