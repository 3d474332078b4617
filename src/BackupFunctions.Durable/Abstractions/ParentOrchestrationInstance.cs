namespace BackupFunctions.Durable;

/// <summary>The orchestration that started a sub-orchestration, and the id of the task that waits for it.</summary>
public sealed record ParentOrchestrationInstance(string Name, string InstanceId, string ExecutionId, int TaskScheduledId);
