namespace BackupFunctions.Durable;

/// <summary>Options for one activity or sub-orchestration call.</summary>
public record TaskOptions
{
    public TaskOptions(RetryPolicy? retry = null) => Retry = retry;

    public RetryPolicy? Retry { get; init; }

    public static TaskOptions FromRetryPolicy(RetryPolicy policy) => new(policy);

    public SubOrchestrationOptions WithInstanceId(string? instanceId) => new(Retry, instanceId);
}

/// <summary>Options for a sub-orchestration call: optionally its instance id.</summary>
public record SubOrchestrationOptions(RetryPolicy? Retry = null, string? InstanceId = null) : TaskOptions(Retry);
