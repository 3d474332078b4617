namespace BackupFunctions.Durable;

/// <summary>History event kinds, with the Durable Task names (stored and shown as strings).</summary>
public enum HistoryEventType
{
    ExecutionStarted,
    ExecutionCompleted,
    ExecutionFailed,
    ExecutionTerminated,
    TaskScheduled,
    TaskCompleted,
    TaskFailed,
    SubOrchestrationInstanceCreated,
    SubOrchestrationInstanceCompleted,
    SubOrchestrationInstanceFailed,
    TimerCreated,
    TimerFired,
    OrchestratorStarted,
    OrchestratorCompleted,
    EventSent,
    EventRaised,
    ContinueAsNew,
    ExecutionSuspended,
    ExecutionResumed,
}
