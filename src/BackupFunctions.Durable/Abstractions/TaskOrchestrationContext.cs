using Microsoft.Extensions.Logging;

namespace BackupFunctions.Durable;

/// <summary>
/// The orchestrator's only window on the world. Every call here is recorded in history and
/// replayed, which is what makes orchestrations durable.
/// </summary>
public abstract class TaskOrchestrationContext
{
    public abstract string Name { get; }

    public abstract string InstanceId { get; }

    public abstract ParentOrchestrationInstance? Parent { get; }

    /// <summary>The timestamp of the current step (the latest OrchestratorStarted): replay-safe "now".</summary>
    public abstract DateTime CurrentUtcDateTime { get; }

    /// <summary>True while the code is being replayed from history.</summary>
    public abstract bool IsReplaying { get; }

    public abstract T? GetInput<T>();

    public abstract Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, TaskOptions? options = null);

    public Task CallActivityAsync(string name, object? input = null, TaskOptions? options = null) =>
        CallActivityAsync<object?>(name, input, options);

    public abstract Task<TResult> CallSubOrchestratorAsync<TResult>(string orchestratorName, object? input = null, TaskOptions? options = null);

    public Task CallSubOrchestratorAsync(string orchestratorName, object? input = null, TaskOptions? options = null) =>
        CallSubOrchestratorAsync<object?>(orchestratorName, input, options);

    /// <summary>A durable timer. Cancelling the token abandons it (its firing is then ignored).</summary>
    public abstract Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken);

    public Task CreateTimer(TimeSpan delay, CancellationToken cancellationToken) =>
        CreateTimer(CurrentUtcDateTime.Add(delay), cancellationToken);

    /// <summary>Waits for an event raised to this instance. Names are case-insensitive; events that arrived earlier are buffered.</summary>
    public abstract Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits for an event, or fails with <see cref="TaskCanceledException"/> when <paramref name="timeout"/>
    /// passes first (a durable timer raced against the event; the loser is cancelled).
    /// </summary>
    public async Task<T> WaitForExternalEvent<T>(string eventName, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var timerCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var eventCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var eventTask = WaitForExternalEvent<T>(eventName, eventCts.Token);
        var timerTask = CreateTimer(CurrentUtcDateTime.Add(timeout), timerCts.Token);
        var winner = await Task.WhenAny(eventTask, timerTask);
        if (winner == eventTask)
        {
            timerCts.Cancel();
        }
        else
        {
            eventCts.Cancel();
        }

        return await eventTask;
    }

    /// <summary>Sends an event to another instance (fire and forget, recorded as EventSent).</summary>
    public abstract void SendEvent(string instanceId, string eventName, object? eventData);

    public abstract void SetCustomStatus(object? customStatus);

    /// <summary>
    /// Ends this execution when the orchestrator returns and starts a fresh one with <paramref name="newInput"/>
    /// and an empty history. Events received but not consumed are carried over unless told otherwise.
    /// </summary>
    public abstract void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true);

    /// <summary>A deterministic, name-based (v5) UUID from the instance id, the current time and a counter.</summary>
    public abstract Guid NewGuid();

    /// <summary>A logger that stays quiet while replaying, so each line is written once.</summary>
    public abstract ILogger CreateReplaySafeLogger(string categoryName);

    public ILogger CreateReplaySafeLogger<T>() => CreateReplaySafeLogger(typeof(T).FullName ?? typeof(T).Name);
}
