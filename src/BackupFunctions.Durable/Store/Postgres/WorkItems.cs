namespace BackupFunctions.Durable.Store.Postgres;

internal sealed record InboxMessage(long Id, string? ExecutionId, HistoryEvent Event);

/// <summary>An instance locked by this worker, with the inbox messages to apply.</summary>
internal sealed record OrchestrationWorkItem(
    string InstanceId,
    string ExecutionId,
    string Name,
    OrchestrationRuntimeStatus Status,
    int DequeueCount,
    int HistoryLength,
    DateTime Now,
    string? LastError,
    string? ParentInstanceId)
{
    public List<InboxMessage> Messages { get; } = [];

    public List<HistoryEvent>? History { get; set; }

    /// <summary>Messages whose stored form could not be read; they make the step fail until it turns poison.</summary>
    public List<long> UnreadableMessageIds { get; } = [];

    public Exception? UnreadableError { get; set; }
}

/// <summary>An activity task locked by this worker.</summary>
internal sealed record ActivityWorkItem(
    long Id,
    string InstanceId,
    string ExecutionId,
    int EventId,
    string Name,
    string? Input,
    int Attempt,
    int ProgressKey,
    int DequeueCount,
    DateTime CreatedAt,
    DateTime LockedAt,
    string? LastProgress);

internal sealed record NewTask(int EventId, string Name, string? Input, int Attempt, int ProgressKey);

internal sealed record OutboundMessage(string InstanceId, string? ExecutionId, HistoryEvent Event, DateTime? VisibleAt = null);

internal sealed record NewChildInstance(string InstanceId, string ExecutionId, string Name, string? Input, string ParentInstanceId);

/// <summary>Everything one orchestration step writes, committed in one transaction.</summary>
internal sealed class StepCommit
{
    public List<HistoryEvent> History { get; } = [];

    public List<long> ConsumedMessageIds { get; } = [];

    public List<NewTask> Tasks { get; } = [];

    public List<OutboundMessage> Messages { get; } = [];

    public List<NewChildInstance> Children { get; } = [];

    public OrchestrationRuntimeStatus Status { get; set; }

    public bool CustomStatusSet { get; set; }

    public string? CustomStatus { get; set; }

    public string? Output { get; set; }

    public TaskFailureDetails? Failure { get; set; }

    /// <summary>The execution ended (completed, failed, terminated or continued as new): drop its leftovers.</summary>
    public bool EndsExecution { get; set; }

    /// <summary>Set for ContinueAsNew: the next execution's id and input; the old history is deleted.</summary>
    public string? NewExecutionId { get; set; }

    public string? NewInput { get; set; }

    /// <summary>Messages left in the inbox became eligible (after a resume): wake the workers.</summary>
    public bool NotifySelf { get; set; }
}

internal sealed record ActivityCompletion(long TaskId, HistoryEvent Event);
