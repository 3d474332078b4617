namespace BackupFunctions.Durable.Worker.Execution;

/// <summary>What one replay produced: history to append, new work, and maybe the end of the execution.</summary>
internal sealed class ExecutionResult
{
    public List<HistoryEvent> NewHistory { get; } = [];

    public List<OrchestratorAction> NewActions { get; } = [];

    public bool CustomStatusSet { get; set; }

    public string? CustomStatus { get; set; }

    /// <summary>Null while the orchestration is still waiting.</summary>
    public OrchestrationRuntimeStatus? Completion { get; set; }

    public string? Output { get; set; }

    public TaskFailureDetails? Failure { get; set; }

    public bool ContinuedAsNew { get; set; }

    public string? ContinueAsNewInput { get; set; }

    /// <summary>External events received but not consumed, carried into the next execution.</summary>
    public List<HistoryEvent> CarryOverEvents { get; } = [];
}
