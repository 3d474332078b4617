namespace BackupFunctions.Workflows.Schedules;

/// <summary>What one unit of one due time came to: started by this call, or already there (another host or an earlier firing).</summary>
public sealed record ScheduledRunOutcome(string InstanceId, bool Started)
{
    public override string ToString() => Started ? $"started {InstanceId}" : $"{InstanceId} already exists; not started again";
}
