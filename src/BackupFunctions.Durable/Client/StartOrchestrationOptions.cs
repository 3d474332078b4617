namespace BackupFunctions.Durable;

/// <summary>What to do when a start names an instance id that is already in use.</summary>
public enum OrchestrationConflictAction
{
    /// <summary>Throw <see cref="OrchestrationAlreadyExistsException"/>.</summary>
    Fail,

    /// <summary>Return the id and leave the existing instance alone (the timer-singleton pattern).</summary>
    Ignore,
}

/// <summary>Options for scheduling a new orchestration instance.</summary>
public sealed record StartOrchestrationOptions(string? InstanceId = null, DateTimeOffset? StartAt = null)
{
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>Statuses of an existing instance with the same id that block the start. A finished instance is restarted.</summary>
    public IReadOnlyCollection<OrchestrationRuntimeStatus> DedupeStatuses { get; init; } =
        [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended];

    public OrchestrationConflictAction IfExists { get; init; } = OrchestrationConflictAction.Fail;
}
