using System.Text.Json.Serialization;

namespace BackupFunctions.Durable;

/// <summary>
/// One event of an orchestration's history. A flat record: each event type fills the fields it
/// needs (see docs/durable-engine.md for which). Payloads (<see cref="Input"/>, <see cref="Result"/>)
/// are serialized JSON text.
/// </summary>
public sealed record HistoryEvent
{
    /// <summary>The scheduling id for TaskScheduled, TimerCreated, SubOrchestrationInstanceCreated and EventSent; -1 otherwise.</summary>
    public int EventId { get; init; } = -1;

    [JsonConverter(typeof(JsonStringEnumConverter<HistoryEventType>))]
    public HistoryEventType EventType { get; init; }

    public DateTime Timestamp { get; init; }

    /// <summary>True once the event has been seen by the orchestrator code in an earlier step.</summary>
    public bool IsPlayed { get; init; }

    /// <summary>Orchestrator, activity or event name.</summary>
    public string? Name { get; init; }

    public string? Input { get; init; }

    public string? Result { get; init; }

    /// <summary>For completions: the EventId of the TaskScheduled / SubOrchestrationInstanceCreated they answer.</summary>
    public int? TaskScheduledId { get; init; }

    /// <summary>For TimerFired: the EventId of its TimerCreated.</summary>
    public int? TimerId { get; init; }

    public DateTime? FireAt { get; init; }

    public TaskFailureDetails? FailureDetails { get; init; }

    [JsonConverter(typeof(JsonStringEnumConverter<OrchestrationRuntimeStatus>))]
    public OrchestrationRuntimeStatus? OrchestrationStatus { get; init; }

    /// <summary>ExecutionStarted: this instance. SubOrchestrationInstanceCreated / EventSent: the target instance.</summary>
    public string? InstanceId { get; init; }

    public string? ExecutionId { get; init; }

    public ParentOrchestrationInstance? ParentInstance { get; init; }

    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    public DateTime? ScheduledStartTime { get; init; }

    /// <summary>Reason given to terminate, suspend or resume.</summary>
    public string? Reason { get; init; }

    /// <summary>TaskScheduled: the retry attempt (1 = first) and the id that ties the attempts of one call together.</summary>
    public int? Attempt { get; init; }

    public int? ProgressKey { get; init; }

    public string EventTypeName => EventType.ToString();
}
