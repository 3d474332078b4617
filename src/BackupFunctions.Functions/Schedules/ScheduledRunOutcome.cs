namespace BackupFunctions.Functions.Schedules;

/// <summary>What a timer firing did with one unit: started it, or found its instance already there.</summary>
public sealed record ScheduledRunOutcome(string InstanceId, bool Started)
{
    public override string ToString() => Started ? $"started {InstanceId}" : $"{InstanceId} already exists; not started again";
}
