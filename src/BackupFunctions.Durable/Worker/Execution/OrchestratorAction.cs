namespace BackupFunctions.Durable.Worker.Execution;

internal enum ActionKind
{
    ScheduleTask,
    CreateTimer,
    CreateSubOrchestration,
    SendEvent,
}

/// <summary>Something the orchestrator code asked for, waiting to be matched to history or committed as new work.</summary>
internal sealed record OrchestratorAction(int Id, ActionKind Kind, string? Name)
{
    public string? Input { get; init; }

    public DateTime? FireAt { get; init; }

    public string? TargetInstanceId { get; init; }

    public int Attempt { get; init; } = 1;

    public int? ProgressKey { get; init; }

    public HistoryEventType EventType => Kind switch
    {
        ActionKind.ScheduleTask => HistoryEventType.TaskScheduled,
        ActionKind.CreateTimer => HistoryEventType.TimerCreated,
        ActionKind.CreateSubOrchestration => HistoryEventType.SubOrchestrationInstanceCreated,
        _ => HistoryEventType.EventSent,
    };

    public string Describe() => Kind switch
    {
        ActionKind.ScheduleTask => $"CallActivityAsync(\"{Name}\")",
        ActionKind.CreateTimer => "CreateTimer",
        ActionKind.CreateSubOrchestration => $"CallSubOrchestratorAsync(\"{Name}\")",
        _ => $"SendEvent(\"{TargetInstanceId}\", \"{Name}\")",
    };
}
