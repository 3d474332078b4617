namespace BackupFunctions.Durable;

/// <summary>The client was asked to act on an instance id that does not exist in this task hub.</summary>
public sealed class OrchestrationNotFoundException : InvalidOperationException
{
    public OrchestrationNotFoundException(string instanceId)
        : base($"No orchestration instance with id '{instanceId}' exists in this task hub (it may never have started, or was purged).")
    {
        InstanceId = instanceId;
    }

    public string InstanceId { get; }
}
