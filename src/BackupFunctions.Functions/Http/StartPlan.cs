namespace BackupFunctions.Functions.Http;

/// <summary>What a start request runs: the orchestration, its input, and the prefix of its fresh instance id.</summary>
public sealed record StartPlan(string Orchestration, object Input, string InstanceIdPrefix)
{
    public string NewInstanceId() => InstanceIdPrefix + Guid.NewGuid().ToString("N");
}
