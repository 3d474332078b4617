namespace BackupFunctions.Host.Schedules;

/// <summary>What one unit of one due time came to: started here, or already there (another host or an earlier call).</summary>
public sealed record ScheduledRunOutcome(string InstanceId, bool Started)
{
    public override string ToString() => Started ? $"started {InstanceId}" : $"{InstanceId} already exists; not started again";
}
