using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupFunctions.Durable.Worker.Execution;

/// <summary>
/// The context handed to orchestrator code. It records actions with sequential ids, and the
/// executor completes the matching tasks as it replays history and applies new events.
/// </summary>
internal sealed class ReplayOrchestrationContext : TaskOrchestrationContext
{
    // Our own namespace for name-based orchestration GUIDs.
    private static readonly Guid GuidNamespace = new("0b6f3d4e-2c1a-4f5e-9a7b-8d2c6e1f0a93");

    private readonly DataConverter _converter;
    private readonly int _maxPayloadBytes;
    private readonly ILoggerFactory _loggerFactory;
    private readonly SortedDictionary<int, OrchestratorAction> _pendingActions = new();
    private readonly Dictionary<int, OpenTask> _openTasks = new();
    private readonly Dictionary<string, LinkedList<EventWaiter>> _waiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly LinkedList<HistoryEvent> _bufferedEvents = new();
    private int _nextEventId;
    private int _guidCounter;

    public ReplayOrchestrationContext(string name, string instanceId, DataConverter converter, int maxPayloadBytes, ILoggerFactory? loggerFactory)
    {
        Name = name;
        InstanceId = instanceId;
        _converter = converter;
        _maxPayloadBytes = maxPayloadBytes;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    }

    public override string Name { get; }

    public override string InstanceId { get; }

    public override ParentOrchestrationInstance? Parent => ParentInstance;

    internal ParentOrchestrationInstance? ParentInstance { get; set; }

    public override DateTime CurrentUtcDateTime => CurrentTime;

    internal DateTime CurrentTime { get; set; }

    public override bool IsReplaying => Replaying;

    internal bool Replaying { get; set; }

    internal string? SerializedInput { get; set; }

    internal bool CustomStatusSet { get; private set; }

    internal string? CustomStatus { get; private set; }

    internal bool ContinueAsNewRequested { get; private set; }

    internal string? ContinueAsNewInput { get; private set; }

    internal bool PreserveUnprocessedEvents { get; private set; }

    internal SortedDictionary<int, OrchestratorAction> PendingActions => _pendingActions;

    internal IEnumerable<HistoryEvent> BufferedEvents => _bufferedEvents;

    public override T? GetInput<T>() where T : default => _converter.Deserialize<T>(SerializedInput);

    public override Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, TaskOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var serialized = SerializeChecked(input, $"input of activity '{name}'");
        if (options?.Retry is { } retry)
        {
            int? progressKey = null;
            return WithRetry(retry, attempt =>
            {
                progressKey ??= _nextEventId;
                return ScheduleActivity<TResult>(name, serialized, attempt, progressKey);
            });
        }

        return ScheduleActivity<TResult>(name, serialized, 1, null);
    }

    public override Task<TResult> CallSubOrchestratorAsync<TResult>(string orchestratorName, object? input = null, TaskOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(orchestratorName);
        var serialized = SerializeChecked(input, $"input of sub-orchestration '{orchestratorName}'");
        var instanceId = (options as SubOrchestrationOptions)?.InstanceId;
        if (options?.Retry is { } retry)
        {
            return WithRetry(retry, _ => ScheduleSubOrchestration<TResult>(orchestratorName, serialized, instanceId));
        }

        return ScheduleSubOrchestration<TResult>(orchestratorName, serialized, instanceId);
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        var id = _nextEventId++;
        var fireAtUtc = fireAt.Kind == DateTimeKind.Local ? fireAt.ToUniversalTime() : DateTime.SpecifyKind(fireAt, DateTimeKind.Utc);
        _pendingActions[id] = new OrchestratorAction(id, ActionKind.CreateTimer, null) { FireAt = fireAtUtc };
        var open = new OpenTask(id, ActionKind.CreateTimer, "timer");
        _openTasks[id] = open;
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() =>
            {
                // An abandoned timer is no longer open: its TimerFired is ignored when it comes.
                if (_openTasks.Remove(id))
                {
                    open.Completion.TrySetCanceled(cancellationToken);
                }
            });
        }

        return open.Completion.Task;
    }

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        for (var node = _bufferedEvents.First; node is not null; node = node.Next)
        {
            if (string.Equals(node.Value.Name, eventName, StringComparison.OrdinalIgnoreCase))
            {
                _bufferedEvents.Remove(node);
                return Task.FromResult(_converter.Deserialize<T>(node.Value.Input)!);
            }
        }

        var waiter = new EventWaiter();
        if (!_waiters.TryGetValue(eventName, out var list))
        {
            _waiters[eventName] = list = new LinkedList<EventWaiter>();
        }

        var waiterNode = list.AddLast(waiter);
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() =>
            {
                // A waiter that gave up must not swallow a later event: take it out of the line.
                if (waiterNode.List is not null)
                {
                    list.Remove(waiterNode);
                }

                waiter.Completion.TrySetCanceled(cancellationToken);
            });
        }

        return Typed<T>(waiter.Completion.Task);
    }

    public override void SendEvent(string instanceId, string eventName, object? eventData)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        var id = _nextEventId++;
        _pendingActions[id] = new OrchestratorAction(id, ActionKind.SendEvent, eventName)
        {
            TargetInstanceId = instanceId,
            Input = SerializeChecked(eventData, $"data of event '{eventName}'"),
        };
    }

    public override void SetCustomStatus(object? customStatus)
    {
        CustomStatus = SerializeChecked(customStatus, "custom status");
        CustomStatusSet = true;
    }

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true)
    {
        ContinueAsNewInput = SerializeChecked(newInput, "ContinueAsNew input");
        ContinueAsNewRequested = true;
        PreserveUnprocessedEvents = preserveUnprocessedEvents;
    }

    public override Guid NewGuid()
    {
        var name = $"{InstanceId}_{CurrentUtcDateTime:o}_{_guidCounter++}";
        return NameBasedGuid(GuidNamespace, name);
    }

    public override ILogger CreateReplaySafeLogger(string categoryName) =>
        new ReplaySafeLogger(this, _loggerFactory.CreateLogger(categoryName));

    // ---- called by the executor ----

    internal bool IsOpen(int id) => _openTasks.ContainsKey(id);

    internal bool TryComplete(int id, string? result)
    {
        if (!_openTasks.Remove(id, out var open))
        {
            return false;
        }

        open.Completion.TrySetResult(result);
        return true;
    }

    internal bool TryFail(int id, TaskFailureDetails details)
    {
        if (!_openTasks.Remove(id, out var open))
        {
            return false;
        }

        open.Completion.TrySetException(new TaskFailedException(open.Name, id, details));
        return true;
    }

    internal void DeliverEvent(HistoryEvent raised)
    {
        if (raised.Name is not null && _waiters.TryGetValue(raised.Name, out var list) && list.First is { } first)
        {
            list.RemoveFirst();
            first.Value.Completion.TrySetResult(raised.Input);
            return;
        }

        _bufferedEvents.AddLast(raised);
    }

    internal string? SerializeChecked(object? value, string what)
    {
        var text = _converter.Serialize(value);
        PayloadLimit.Check(text, _maxPayloadBytes, what);
        return text;
    }

    private Task<TResult> ScheduleActivity<TResult>(string name, string? input, int attempt, int? progressKey)
    {
        var id = _nextEventId++;
        _pendingActions[id] = new OrchestratorAction(id, ActionKind.ScheduleTask, name)
        {
            Input = input,
            Attempt = attempt,
            ProgressKey = progressKey ?? id,
        };
        var open = new OpenTask(id, ActionKind.ScheduleTask, name);
        _openTasks[id] = open;
        return Typed<TResult>(open.Completion.Task);
    }

    private Task<TResult> ScheduleSubOrchestration<TResult>(string name, string? input, string? instanceId)
    {
        var id = _nextEventId++;
        _pendingActions[id] = new OrchestratorAction(id, ActionKind.CreateSubOrchestration, name)
        {
            Input = input,
            TargetInstanceId = instanceId ?? $"{InstanceId}:{id:D4}",
        };
        var open = new OpenTask(id, ActionKind.CreateSubOrchestration, name);
        _openTasks[id] = open;
        return Typed<TResult>(open.Completion.Task);
    }

    private async Task<TResult> WithRetry<TResult>(RetryPolicy policy, Func<int, Task<TResult>> attemptOnce)
    {
        var firstAttemptAt = CurrentUtcDateTime;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await attemptOnce(attempt);
            }
            catch (TaskFailedException ex)
            {
                if (attempt >= policy.MaxNumberOfAttempts
                    || ex.FailureDetails.IsNonRetriable
                    || !policy.HandleFailure(ex.FailureDetails))
                {
                    throw;
                }

                var delay = policy.GetDelay(attempt);
                if (policy.RetryTimeout != Timeout.InfiniteTimeSpan
                    && CurrentUtcDateTime + delay > firstAttemptAt + policy.RetryTimeout)
                {
                    throw;
                }

                await CreateTimer(CurrentUtcDateTime + delay, CancellationToken.None);
            }
        }
    }

    private async Task<T> Typed<T>(Task<string?> raw)
    {
        var text = await raw;
        return _converter.Deserialize<T>(text)!;
    }

    internal static Guid NameBasedGuid(Guid ns, string name)
    {
        // RFC 4122 version 5: SHA-1 over the namespace (network byte order) and the name.
        Span<byte> nsBytes = stackalloc byte[16];
        ns.TryWriteBytes(nsBytes, bigEndian: true, out _);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var buffer = new byte[16 + nameBytes.Length];
        nsBytes.CopyTo(buffer);
        nameBytes.CopyTo(buffer, 16);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(buffer, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    private sealed class OpenTask(int id, ActionKind kind, string name)
    {
        public int Id { get; } = id;

        public ActionKind Kind { get; } = kind;

        public string Name { get; } = name;

        public TaskCompletionSource<string?> Completion { get; } = new();
    }

    private sealed class EventWaiter
    {
        public TaskCompletionSource<string?> Completion { get; } = new();
    }

    private sealed class ReplaySafeLogger(ReplayOrchestrationContext context, ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => !context.IsReplaying && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!context.IsReplaying)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
