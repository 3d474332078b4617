using System.Collections.Concurrent;
using BackupFunctions.Durable.Store.Postgres;
using BackupFunctions.Durable.Worker.Execution;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Durable.Worker;

/// <summary>
/// Locks instances that have work, replays them, and commits each step in one transaction.
/// Runs up to MaxConcurrentOrchestrations steps at a time.
/// </summary>
internal sealed class OrchestrationDispatcher(
    PostgresStore store, DurableTaskRegistry registry, IServiceProvider services, WorkSignal signal, ILoggerFactory loggerFactory)
{
    private readonly DurableTaskOptions _options = store.Options;
    private readonly ILogger _logger = loggerFactory.CreateLogger("BackupFunctions.Durable.Orchestrations");
    private readonly ConcurrentDictionary<string, (string ExecutionId, List<HistoryEvent> History)> _historyCache = new();
    private readonly ConcurrentDictionary<Task, bool> _running = new();

    public async Task RunAsync(CancellationToken stop)
    {
        using var slots = new SemaphoreSlim(_options.MaxConcurrentOrchestrations);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await slots.WaitAsync(stop);
                List<OrchestrationWorkItem> items;
                try
                {
                    items = await store.LockOrchestrationsAsync(_options.WorkerId, _options.LeaseTime, slots.CurrentCount + 1, stop);
                }
                catch
                {
                    slots.Release();
                    throw;
                }

                if (items.Count == 0)
                {
                    slots.Release();
                    var next = await store.TimeToNextVisibleAsync(stop);
                    var wait = next is { } n && n < _options.PollFallbackInterval ? n + TimeSpan.FromMilliseconds(5) : _options.PollFallbackInterval;
                    await signal.WaitAsync(wait, stop);
                    continue;
                }

                for (var i = 0; i < items.Count; i++)
                {
                    if (i > 0)
                    {
                        await slots.WaitAsync(CancellationToken.None);
                    }

                    var item = items[i];
                    var task = Task.Run(async () =>
                    {
                        try
                        {
                            await ProcessAsync(item);
                        }
                        finally
                        {
                            slots.Release();
                            signal.Set();
                        }
                    }, CancellationToken.None);
                    _running[task] = true;
                    _ = task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                Log.LoopError(_logger, ex, "orchestrations");
                await DelayQuietly(TimeSpan.FromSeconds(1), stop);
            }
        }

        await Task.WhenAll(_running.Keys);
    }

    private List<HistoryEvent>? CachedHistory(string instanceId, string executionId, int length) =>
        _historyCache.TryGetValue(instanceId, out var c) && c.ExecutionId == executionId && c.History.Count == length ? c.History : null;

    internal async Task ProcessAsync(OrchestrationWorkItem item)
    {
        try
        {
            await store.LoadAsync(item, _options.MaxMessagesPerStep, CachedHistory, CancellationToken.None);
            if (item.UnreadableError is not null && item.DequeueCount <= _options.MaxDequeueCount)
            {
                throw new InvalidOperationException(
                    $"Inbox message(s) {string.Join(", ", item.UnreadableMessageIds)} of {item.InstanceId} cannot be read: {item.UnreadableError.Message}",
                    item.UnreadableError);
            }

            var step = Plan(item);
            var committed = await store.CommitStepAsync(_options.WorkerId, item, step, CancellationToken.None);
            if (!committed)
            {
                _historyCache.TryRemove(item.InstanceId, out _);
                Log.StepDiscarded(_logger, item.InstanceId);
                return;
            }

            Log.StepCommitted(_logger, item.InstanceId, step.Status);
            if (step.EndsExecution || item.History is null)
            {
                _historyCache.TryRemove(item.InstanceId, out _);
            }
            else
            {
                if (_historyCache.Count > 2000)
                {
                    _historyCache.Clear();
                }

                var history = item.History;
                history.AddRange(step.History.Select(e => e with { IsPlayed = true }));
                _historyCache[item.InstanceId] = (item.ExecutionId, history);
            }

            if (step.NotifySelf)
            {
                signal.Set();
            }
        }
        catch (Exception ex)
        {
            _historyCache.TryRemove(item.InstanceId, out _);
            Log.StepFailed(_logger, ex, item.InstanceId, item.DequeueCount);
            var backoff = TimeSpan.FromMilliseconds(Math.Min(30_000, 200 * Math.Pow(2, Math.Min(item.DequeueCount, 10))));
            try
            {
                await store.AbandonOrchestrationAsync(_options.WorkerId, item.InstanceId, ex.ToString(), backoff, CancellationToken.None);
            }
            catch (Exception abandonError)
            {
                // The lease will expire on its own.
                Log.LoopError(_logger, abandonError, "abandon");
            }
        }
    }

    /// <summary>Turns a locked instance and its inbox into the writes of one step. No I/O.</summary>
    internal StepCommit Plan(OrchestrationWorkItem item)
    {
        var now = item.Now;
        var history = item.History ?? [];
        var step = new StepCommit { Status = item.Status };
        var live = new List<InboxMessage>();
        foreach (var m in item.Messages)
        {
            // Fencing: results addressed to an earlier execution are consumed and ignored.
            if (m.ExecutionId is not null && m.ExecutionId != item.ExecutionId)
            {
                step.ConsumedMessageIds.Add(m.Id);
            }
            else
            {
                live.Add(m);
            }
        }

        if (item.Status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
        {
            step.ConsumedMessageIds.AddRange(live.Select(m => m.Id));
            return step;
        }

        var started = history.FirstOrDefault(e => e.EventType == HistoryEventType.ExecutionStarted)
                      ?? live.Select(m => m.Event).FirstOrDefault(e => e.EventType == HistoryEventType.ExecutionStarted);
        var orchestratorStarted = new HistoryEvent { EventType = HistoryEventType.OrchestratorStarted, Timestamp = now };

        if (item.DequeueCount > _options.MaxDequeueCount)
        {
            Log.Poison(_logger, item.InstanceId, item.DequeueCount);
            step.ConsumedMessageIds.AddRange(live.Select(m => m.Id));
            step.ConsumedMessageIds.AddRange(item.UnreadableMessageIds);
            var details = new TaskFailureDetails(
                "PoisonMessage",
                $"The orchestration was stopped after its step failed {item.DequeueCount - 1} times in a row (limit {_options.MaxDequeueCount}), " +
                $"instead of retrying forever. Last error: {item.LastError ?? "the worker stopped without finishing the step (crash or lease expiry)"}",
                IsNonRetriable: true);
            End(step, item, started, orchestratorStarted, OrchestrationRuntimeStatus.Failed, null, details,
                new HistoryEvent { EventType = HistoryEventType.ExecutionCompleted, Timestamp = now, OrchestrationStatus = OrchestrationRuntimeStatus.Failed, FailureDetails = details });
            return step;
        }

        if (live.FirstOrDefault(m => m.Event.EventType == HistoryEventType.ExecutionTerminated) is { } terminate)
        {
            step.ConsumedMessageIds.AddRange(live.Select(m => m.Id));
            if (terminate.Event.Reason == "recursive")
            {
                TerminateChildren(step, history, terminate.Event);
            }

            var details = new TaskFailureDetails("OrchestrationTerminated", $"Orchestration '{item.Name}' ({item.InstanceId}) was terminated.", IsNonRetriable: true);
            End(step, item, started, orchestratorStarted, OrchestrationRuntimeStatus.Terminated, terminate.Event.Input, details,
                new HistoryEvent { EventType = HistoryEventType.ExecutionTerminated, Timestamp = now, Input = terminate.Event.Input, Reason = terminate.Event.Reason });
            step.Failure = null;
            return step;
        }

        if (item.Status == OrchestrationRuntimeStatus.Suspended)
        {
            // Only resume (and terminate, above) are loaded while suspended.
            step.ConsumedMessageIds.AddRange(live.Select(m => m.Id));
            var resume = live.First(m => m.Event.EventType == HistoryEventType.ExecutionResumed).Event;
            step.History.Add(orchestratorStarted);
            step.History.Add(new HistoryEvent { EventType = HistoryEventType.ExecutionResumed, Timestamp = now, Reason = resume.Reason });
            step.Status = OrchestrationRuntimeStatus.Running;
            step.NotifySelf = true;
            return step;
        }

        if (item.Status == OrchestrationRuntimeStatus.Running
            && live.FirstOrDefault(m => m.Event.EventType == HistoryEventType.ExecutionSuspended) is { } suspend)
        {
            step.ConsumedMessageIds.Add(suspend.Id);
            step.History.Add(orchestratorStarted);
            step.History.Add(new HistoryEvent { EventType = HistoryEventType.ExecutionSuspended, Timestamp = now, Reason = suspend.Event.Reason });
            step.Status = OrchestrationRuntimeStatus.Suspended;
            return step;
        }

        // Normal step: replay and apply the new events.
        var newEvents = new List<HistoryEvent> { orchestratorStarted };
        var isNewExecution = history.Count == 0;
        foreach (var m in live.OrderBy(m => m.Event.EventType == HistoryEventType.ExecutionStarted ? 0 : 1))
        {
            var type = m.Event.EventType;
            if (type is HistoryEventType.ExecutionSuspended && item.Status == OrchestrationRuntimeStatus.Pending)
            {
                continue; // Applied once the instance has started.
            }

            step.ConsumedMessageIds.Add(m.Id);
            if (type is HistoryEventType.ExecutionResumed or HistoryEventType.ExecutionSuspended
                || (type == HistoryEventType.ExecutionStarted && !isNewExecution))
            {
                continue; // Nothing to resume, or a duplicate start.
            }

            newEvents.Add(m.Event with { Timestamp = type == HistoryEventType.ExecutionStarted ? now : m.Event.Timestamp });
        }

        if (isNewExecution && newEvents.All(e => e.EventType != HistoryEventType.ExecutionStarted))
        {
            // Events for an execution that has not started; keep them for when it does.
            step.ConsumedMessageIds.Clear();
            step.ConsumedMessageIds.AddRange(item.Messages.Where(m => m.ExecutionId is not null && m.ExecutionId != item.ExecutionId).Select(m => m.Id));
            return step;
        }

        if (!registry.TryCreateOrchestrator(item.Name, services, out var orchestrator))
        {
            var details = new TaskFailureDetails(
                "OrchestratorNotFound",
                $"No orchestrator named '{item.Name}' is registered on worker {_options.WorkerId}. Register it with DurableTaskRegistry.AddOrchestrator.",
                IsNonRetriable: true);
            End(step, item, started, orchestratorStarted, OrchestrationRuntimeStatus.Failed, null, details,
                new HistoryEvent { EventType = HistoryEventType.ExecutionCompleted, Timestamp = now, OrchestrationStatus = OrchestrationRuntimeStatus.Failed, FailureDetails = details });
            return step;
        }

        var executor = new OrchestrationExecutor(orchestrator!, item.Name, item.InstanceId, _options.DataConverter, _options.MaxPayloadBytes, loggerFactory);
        var result = executor.Execute(history, newEvents);
        step.History.AddRange(result.NewHistory);
        step.CustomStatusSet = result.CustomStatusSet;
        step.CustomStatus = result.CustomStatus;
        step.Status = OrchestrationRuntimeStatus.Running;

        foreach (var action in result.NewActions)
        {
            switch (action.Kind)
            {
                case ActionKind.ScheduleTask:
                    step.Tasks.Add(new NewTask(action.Id, action.Name!, action.Input, action.Attempt, action.ProgressKey ?? action.Id));
                    break;
                case ActionKind.CreateTimer:
                    step.Messages.Add(new OutboundMessage(item.InstanceId, item.ExecutionId,
                        new HistoryEvent { EventType = HistoryEventType.TimerFired, Timestamp = action.FireAt!.Value, TimerId = action.Id, FireAt = action.FireAt },
                        action.FireAt));
                    break;
                case ActionKind.CreateSubOrchestration:
                    var childExecution = Guid.NewGuid().ToString("N");
                    step.Children.Add(new NewChildInstance(action.TargetInstanceId!, childExecution, action.Name!, action.Input, item.InstanceId));
                    step.Messages.Add(new OutboundMessage(action.TargetInstanceId!, childExecution, new HistoryEvent
                    {
                        EventType = HistoryEventType.ExecutionStarted,
                        Timestamp = now,
                        Name = action.Name,
                        Input = action.Input,
                        InstanceId = action.TargetInstanceId,
                        ExecutionId = childExecution,
                        ParentInstance = new ParentOrchestrationInstance(item.Name, item.InstanceId, item.ExecutionId, action.Id),
                    }));
                    break;
                case ActionKind.SendEvent:
                    step.Messages.Add(new OutboundMessage(action.TargetInstanceId!, null,
                        new HistoryEvent { EventType = HistoryEventType.EventRaised, Timestamp = now, Name = action.Name, Input = action.Input }));
                    break;
            }
        }

        switch (result.Completion)
        {
            case null:
                break;
            case OrchestrationRuntimeStatus.ContinuedAsNew:
                var nextExecution = Guid.NewGuid().ToString("N");
                step.EndsExecution = true;
                step.NewExecutionId = nextExecution;
                step.NewInput = result.ContinueAsNewInput;
                step.Messages.Add(new OutboundMessage(item.InstanceId, nextExecution, new HistoryEvent
                {
                    EventType = HistoryEventType.ExecutionStarted,
                    Timestamp = now,
                    Name = item.Name,
                    Input = result.ContinueAsNewInput,
                    InstanceId = item.InstanceId,
                    ExecutionId = nextExecution,
                    ParentInstance = started?.ParentInstance,
                    Tags = started?.Tags,
                }));
                foreach (var carried in result.CarryOverEvents)
                {
                    step.Messages.Add(new OutboundMessage(item.InstanceId, null, carried));
                }

                break;
            default:
                step.Status = result.Completion.Value;
                step.Output = result.Output;
                step.Failure = result.Failure;
                step.EndsExecution = true;
                NotifyParent(step, started, result.Completion.Value, result.Output, result.Failure, item);
                break;
        }

        return step;
    }

    private static void End(
        StepCommit step, OrchestrationWorkItem item, HistoryEvent? started, HistoryEvent orchestratorStarted,
        OrchestrationRuntimeStatus status, string? output, TaskFailureDetails? failure, HistoryEvent final)
    {
        step.History.Add(orchestratorStarted);
        step.History.Add(final);
        step.Status = status;
        step.Output = output;
        step.Failure = failure;
        step.EndsExecution = true;
        NotifyParent(step, started, status, output, failure, item);
    }

    private static void NotifyParent(StepCommit step, HistoryEvent? started, OrchestrationRuntimeStatus status, string? output, TaskFailureDetails? failure, OrchestrationWorkItem item)
    {
        if (started?.ParentInstance is not { } parent)
        {
            return;
        }

        var e = status == OrchestrationRuntimeStatus.Completed
            ? new HistoryEvent { EventType = HistoryEventType.SubOrchestrationInstanceCompleted, Timestamp = item.Now, TaskScheduledId = parent.TaskScheduledId, Result = output }
            : new HistoryEvent
            {
                EventType = HistoryEventType.SubOrchestrationInstanceFailed,
                Timestamp = item.Now,
                TaskScheduledId = parent.TaskScheduledId,
                FailureDetails = failure ?? new TaskFailureDetails("OrchestrationTerminated", $"Sub-orchestration {item.InstanceId} ended as {status}.", IsNonRetriable: true),
            };
        step.Messages.Add(new OutboundMessage(parent.InstanceId, parent.ExecutionId, e));
    }

    private static void TerminateChildren(StepCommit step, List<HistoryEvent> history, HistoryEvent terminate)
    {
        var finished = history
            .Where(e => e.EventType is HistoryEventType.SubOrchestrationInstanceCompleted or HistoryEventType.SubOrchestrationInstanceFailed)
            .Select(e => e.TaskScheduledId).ToHashSet();
        foreach (var created in history.Where(e => e.EventType == HistoryEventType.SubOrchestrationInstanceCreated && !finished.Contains(e.EventId)))
        {
            step.Messages.Add(new OutboundMessage(created.InstanceId!, null, terminate));
        }
    }

    private static async Task DelayQuietly(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
