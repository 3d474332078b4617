using Microsoft.Extensions.Logging;

namespace BackupFunctions.Durable.Worker.Execution;

/// <summary>
/// Replays an orchestration: runs the code against its past history (IsReplaying = true), then
/// applies the new events, and reports new actions and the completion. Pure and synchronous: no
/// I/O happens here, so the same history always gives the same result.
/// </summary>
internal sealed class OrchestrationExecutor
{
    private readonly ITaskOrchestrator _orchestrator;
    private readonly ReplayOrchestrationContext _context;
    private readonly OrchestrationSynchronizationContext _sync = new();
    private readonly DataConverter _converter;
    private Task<object?>? _run;

    public OrchestrationExecutor(ITaskOrchestrator orchestrator, string name, string instanceId, DataConverter converter, int maxPayloadBytes, ILoggerFactory? loggerFactory)
    {
        _orchestrator = orchestrator;
        _converter = converter;
        _context = new ReplayOrchestrationContext(name, instanceId, converter, maxPayloadBytes, loggerFactory);
    }

    /// <param name="past">The committed history of this execution.</param>
    /// <param name="newEvents">OrchestratorStarted followed by the inbox messages of this step.</param>
    public ExecutionResult Execute(IReadOnlyList<HistoryEvent> past, IReadOnlyList<HistoryEvent> newEvents)
    {
        var result = new ExecutionResult();
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_sync);
        try
        {
            _context.Replaying = true;
            foreach (var e in past)
            {
                Apply(e, isNew: false, result);
            }

            _context.Replaying = false;
            foreach (var e in newEvents)
            {
                Apply(e, isNew: true, result);
            }

            Finish(result);
        }
        catch (NonDeterministicOrchestrationException ex)
        {
            result.NewActions.Clear();
            result.Completion = OrchestrationRuntimeStatus.Failed;
            result.Failure = new TaskFailureDetails(typeof(NonDeterministicOrchestrationException).FullName!, ex.Message, IsNonRetriable: true);
            result.NewHistory.Add(new HistoryEvent
            {
                EventType = HistoryEventType.ExecutionCompleted,
                Timestamp = _context.CurrentTime,
                OrchestrationStatus = OrchestrationRuntimeStatus.Failed,
                FailureDetails = result.Failure,
            });
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        return result;
    }

    private void Apply(HistoryEvent e, bool isNew, ExecutionResult result)
    {
        switch (e.EventType)
        {
            case HistoryEventType.OrchestratorStarted:
                _context.CurrentTime = e.Timestamp;
                Record(e, isNew, result);
                break;

            case HistoryEventType.ExecutionStarted:
                Record(e, isNew, result);
                _context.SerializedInput = e.Input;
                _context.ParentInstance = e.ParentInstance;
                Start();
                break;

            case HistoryEventType.TaskScheduled:
            case HistoryEventType.TimerCreated:
            case HistoryEventType.SubOrchestrationInstanceCreated:
            case HistoryEventType.EventSent:
                Match(e);
                break;

            case HistoryEventType.TaskCompleted:
            case HistoryEventType.SubOrchestrationInstanceCompleted:
                if (_context.IsOpen(e.TaskScheduledId ?? -1))
                {
                    Record(e, isNew, result);
                    _context.TryComplete(e.TaskScheduledId!.Value, e.Result);
                    _sync.RunPending();
                }

                break;

            case HistoryEventType.TaskFailed:
            case HistoryEventType.SubOrchestrationInstanceFailed:
                if (_context.IsOpen(e.TaskScheduledId ?? -1))
                {
                    Record(e, isNew, result);
                    _context.TryFail(e.TaskScheduledId!.Value, e.FailureDetails ?? new TaskFailureDetails("Unknown", "The task failed without details."));
                    _sync.RunPending();
                }

                break;

            case HistoryEventType.TimerFired:
                if (_context.IsOpen(e.TimerId ?? -1))
                {
                    Record(e, isNew, result);
                    _context.TryComplete(e.TimerId!.Value, null);
                    _sync.RunPending();
                }

                break;

            case HistoryEventType.EventRaised:
                Record(e, isNew, result);
                _context.DeliverEvent(e);
                _sync.RunPending();
                break;

            default:
                // OrchestratorCompleted, suspension and the like change nothing in the code's view.
                Record(e, isNew, result);
                break;
        }
    }

    private static void Record(HistoryEvent e, bool isNew, ExecutionResult result)
    {
        if (isNew)
        {
            result.NewHistory.Add(e);
        }
    }

    private void Start()
    {
        if (_run is not null)
        {
            throw new NonDeterministicOrchestrationException("History holds a second ExecutionStarted event; the history is corrupt.");
        }

        object? input;
        try
        {
            input = _converter.Deserialize(_context.SerializedInput, _orchestrator.InputType);
        }
        catch (Exception ex)
        {
            _run = Task.FromException<object?>(new InvalidOperationException(
                $"The input of orchestration '{_context.Name}' could not be read as {_orchestrator.InputType.Name}: {ex.Message}", ex));
            return;
        }

        try
        {
            _run = _orchestrator.RunAsync(_context, input);
        }
        catch (Exception ex)
        {
            _run = Task.FromException<object?>(ex);
        }

        _sync.RunPending();
    }

    private void Match(HistoryEvent e)
    {
        if (!_context.PendingActions.Remove(e.EventId, out var action))
        {
            throw new NonDeterministicOrchestrationException(
                $"Non-deterministic orchestration '{_context.Name}' ({_context.InstanceId}): history has {e.EventType} #{e.EventId}" +
                $"{(e.Name is null ? "" : $" '{e.Name}'")}, but the code did not schedule anything with id {e.EventId} at this point. " +
                "Orchestrator code must make the same calls in the same order on every replay; changes to in-flight orchestrations need a new orchestrator name.");
        }

        if (action.EventType != e.EventType
            || (action.Kind != ActionKind.CreateTimer && !string.Equals(action.Name, e.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new NonDeterministicOrchestrationException(
                $"Non-deterministic orchestration '{_context.Name}' ({_context.InstanceId}): history has {e.EventType} #{e.EventId}" +
                $"{(e.Name is null ? "" : $" '{e.Name}'")}, but the code now calls {action.Describe()} with that id. " +
                "Orchestrator code must make the same calls in the same order on every replay; changes to in-flight orchestrations need a new orchestrator name.");
        }
    }

    private void Finish(ExecutionResult result)
    {
        if (_context.CustomStatusSet)
        {
            result.CustomStatusSet = true;
            result.CustomStatus = _context.CustomStatus;
        }

        var now = _context.CurrentTime;
        var completed = _run is { IsCompleted: true };
        foreach (var action in _context.PendingActions.Values)
        {
            // When the code has returned, only fire-and-forget sends still matter.
            if (completed && action.Kind != ActionKind.SendEvent)
            {
                continue;
            }

            result.NewActions.Add(action);
            result.NewHistory.Add(ToHistory(action, now));
        }

        result.NewHistory.Add(new HistoryEvent { EventType = HistoryEventType.OrchestratorCompleted, Timestamp = now });
        if (_run is null || !completed)
        {
            return;
        }

        if (_run.IsCompletedSuccessfully)
        {
            if (_context.ContinueAsNewRequested)
            {
                result.Completion = OrchestrationRuntimeStatus.ContinuedAsNew;
                result.ContinuedAsNew = true;
                result.ContinueAsNewInput = _context.ContinueAsNewInput;
                if (_context.PreserveUnprocessedEvents)
                {
                    result.CarryOverEvents.AddRange(_context.BufferedEvents);
                }

                result.NewHistory.Add(new HistoryEvent
                {
                    EventType = HistoryEventType.ContinueAsNew,
                    Timestamp = now,
                    Result = _context.ContinueAsNewInput,
                    OrchestrationStatus = OrchestrationRuntimeStatus.ContinuedAsNew,
                });
                return;
            }

            try
            {
                result.Output = _context.SerializeChecked(_run.Result, $"output of orchestration '{_context.Name}'");
                result.Completion = OrchestrationRuntimeStatus.Completed;
            }
            catch (Exception ex)
            {
                result.Completion = OrchestrationRuntimeStatus.Failed;
                result.Failure = TaskFailureDetails.FromException(ex);
            }
        }
        else
        {
            var ex = _run.Exception?.InnerException ?? (Exception)new TaskCanceledException("The orchestrator's task was cancelled.");
            result.Completion = OrchestrationRuntimeStatus.Failed;
            result.Failure = TaskFailureDetails.FromException(ex);
        }

        result.NewHistory.Add(new HistoryEvent
        {
            EventType = HistoryEventType.ExecutionCompleted,
            Timestamp = now,
            OrchestrationStatus = result.Completion,
            Result = result.Output,
            FailureDetails = result.Failure,
        });
    }

    private static HistoryEvent ToHistory(OrchestratorAction a, DateTime now) => new()
    {
        EventId = a.Id,
        EventType = a.EventType,
        Timestamp = now,
        Name = a.Name,
        Input = a.Input,
        FireAt = a.FireAt,
        InstanceId = a.TargetInstanceId,
        Attempt = a.Kind == ActionKind.ScheduleTask ? a.Attempt : null,
        ProgressKey = a.ProgressKey,
    };
}
