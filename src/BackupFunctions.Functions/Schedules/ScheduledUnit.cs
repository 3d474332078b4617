namespace BackupFunctions.Functions.Schedules;

/// <summary>
/// One orchestration a due time starts. A schedule over several databases or tenants has one unit each; the key
/// tells them apart in the instance id (null for a schedule with a single unit).
/// </summary>
public sealed record ScheduledUnit(string? Key, object? Input);
