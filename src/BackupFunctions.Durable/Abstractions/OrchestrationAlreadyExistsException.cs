namespace BackupFunctions.Durable;

/// <summary>A start was refused because an instance with that id is still Pending, Running or Suspended.</summary>
public sealed class OrchestrationAlreadyExistsException : InvalidOperationException
{
    public OrchestrationAlreadyExistsException(string instanceId, OrchestrationRuntimeStatus status)
        : base($"An orchestration with instance id '{instanceId}' already exists and is {status}. " +
               "Wait for it to finish, terminate it, or start with StartOrchestrationOptions.IfExists = Ignore.")
    {
        InstanceId = instanceId;
        Status = status;
    }

    public string InstanceId { get; }

    public OrchestrationRuntimeStatus Status { get; }
}
