namespace BackupFunctions.Durable;

/// <summary>The state of one orchestration instance, as the client sees it.</summary>
public sealed record OrchestrationMetadata(string Name, string InstanceId)
{
    public OrchestrationRuntimeStatus RuntimeStatus { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset LastUpdatedAt { get; init; }

    public DateTimeOffset? ScheduledStartAt { get; init; }

    public string? ExecutionId { get; init; }

    /// <summary>Null unless asked for with getInputsAndOutputs.</summary>
    public string? SerializedInput { get; init; }

    public string? SerializedOutput { get; init; }

    public string? SerializedCustomStatus { get; init; }

    public TaskFailureDetails? FailureDetails { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    public string? ParentInstanceId { get; init; }

    internal DataConverter? DataConverter { get; init; }

    public bool IsRunning => RuntimeStatus is OrchestrationRuntimeStatus.Running;

    public bool IsCompleted => RuntimeStatus is OrchestrationRuntimeStatus.Completed
        or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;

    public T? ReadInputAs<T>() => Converter.Deserialize<T>(SerializedInput);

    public T? ReadOutputAs<T>() => Converter.Deserialize<T>(SerializedOutput);

    public T? ReadCustomStatusAs<T>() => Converter.Deserialize<T>(SerializedCustomStatus);

    private DataConverter Converter => DataConverter ?? JsonDataConverter.Default;
}
