using System.Text;
using BackupFunctions.Durable.Store.Postgres;
using BackupFunctions.Durable.Worker.Execution;

namespace BackupFunctions.Durable;

/// <summary>
/// Starts, inspects and controls orchestration instances. Thread-safe; keep one per application.
/// Works without a worker in the same process: any worker on the same store and task hub runs the work.
/// </summary>
public sealed class DurableTaskClient : IAsyncDisposable
{
    private readonly PostgresStore _store;
    private readonly bool _ownsStore;

    public DurableTaskClient(DurableTaskOptions options)
        : this(new PostgresStore(options), ownsStore: true)
    {
    }

    internal DurableTaskClient(PostgresStore store, bool ownsStore)
    {
        _store = store;
        _ownsStore = ownsStore;
    }

    public string TaskHubName => _store.Options.TaskHubName;

    private DataConverter Converter => _store.Options.DataConverter;

    public async ValueTask DisposeAsync()
    {
        if (_ownsStore)
        {
            await _store.DisposeAsync();
        }
    }

    /// <summary>
    /// Creates the instance row (status Pending) and queues its start, atomically, so a status query
    /// right after never misses it. Returns the instance id.
    /// </summary>
    public async Task<string> ScheduleNewOrchestrationInstanceAsync(
        string orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(orchestratorName);
        options ??= new StartOrchestrationOptions();
        var instanceId = options.InstanceId ?? Guid.NewGuid().ToString("N");
        var serialized = Converter.Serialize(input);
        PayloadLimit.Check(serialized, _store.Options.MaxPayloadBytes, $"input of orchestration '{orchestratorName}'");
        var blocking = await _store.CreateInstanceAsync(
            instanceId, orchestratorName, serialized, options.StartAt?.UtcDateTime, options.Tags, options.DedupeStatuses, cancellation);
        if (blocking is { } status && options.IfExists == OrchestrationConflictAction.Fail)
        {
            throw new OrchestrationAlreadyExistsException(instanceId, status);
        }

        return instanceId;
    }

    public Task<string> ScheduleNewOrchestrationInstanceAsync(string orchestratorName, object? input, CancellationToken cancellation) =>
        ScheduleNewOrchestrationInstanceAsync(orchestratorName, input, null, cancellation);

    /// <summary>The instance's state, or null if there is none. Inputs and outputs only when asked for.</summary>
    public Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        _store.GetInstanceAsync(instanceId, getInputsAndOutputs, cancellation);

    public Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, CancellationToken cancellation) =>
        GetInstanceAsync(instanceId, false, cancellation);

    /// <summary>The history of the current execution, in order.</summary>
    public async Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellation = default) =>
        await _store.GetHistoryAsync(instanceId, cancellation);

    public Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        WaitAsync(instanceId, getInputsAndOutputs, m => m.RuntimeStatus != OrchestrationRuntimeStatus.Pending, cancellation);

    public Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        WaitAsync(instanceId, getInputsAndOutputs, m => m.IsCompleted, cancellation);

    public Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, CancellationToken cancellation) =>
        WaitForInstanceCompletionAsync(instanceId, false, cancellation);

    /// <summary>Queues an event for the instance. Events to a finished instance are dropped.</summary>
    /// <exception cref="OrchestrationNotFoundException">No such instance.</exception>
    public async Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        var data = Converter.Serialize(eventPayload);
        PayloadLimit.Check(data, _store.Options.MaxPayloadBytes, $"payload of event '{eventName}'");
        await SendAsync(instanceId, new HistoryEvent
        {
            EventType = HistoryEventType.EventRaised,
            Timestamp = DateTime.UtcNow,
            Name = eventName,
            Input = data,
        }, cancellation);
    }

    /// <summary>Ends the instance as Terminated, even while suspended. A finished instance is left alone.</summary>
    public Task TerminateInstanceAsync(string instanceId, object? output = null, CancellationToken cancellation = default) =>
        TerminateInstanceAsync(instanceId, new TerminateInstanceOptions(output), cancellation);

    public async Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions options, CancellationToken cancellation = default)
    {
        var output = Converter.Serialize(options.Output);
        PayloadLimit.Check(output, _store.Options.MaxPayloadBytes, "termination output");
        await SendAsync(instanceId, new HistoryEvent
        {
            EventType = HistoryEventType.ExecutionTerminated,
            Timestamp = DateTime.UtcNow,
            Input = output,
            Reason = options.Recursive ? "recursive" : null,
        }, cancellation);
    }

    /// <summary>Pauses the instance: new events wait in its queue until it is resumed.</summary>
    public Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new HistoryEvent { EventType = HistoryEventType.ExecutionSuspended, Timestamp = DateTime.UtcNow, Reason = reason }, cancellation);

    public Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new HistoryEvent { EventType = HistoryEventType.ExecutionResumed, Timestamp = DateTime.UtcNow, Reason = reason }, cancellation);

    /// <summary>Deletes a finished instance and its history. Returns a count of 0 when it is missing or still running.</summary>
    public async Task<PurgeResult> PurgeInstanceAsync(string instanceId, CancellationToken cancellation = default) =>
        new(await _store.PurgeAsync(instanceId, null, 1, cancellation));

    /// <summary>
    /// Deletes every finished instance that matches, in batches of 500 that each commit on their own,
    /// so a large purge makes progress and can simply be run again if interrupted.
    /// </summary>
    public async Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, CancellationToken cancellation = default)
    {
        const int batch = 500;
        var total = 0;
        while (true)
        {
            var n = await _store.PurgeAsync(null, filter, batch, cancellation);
            total += n;
            if (n < batch)
            {
                return new PurgeResult(total);
            }
        }
    }

    /// <summary>Same as <see cref="PurgeAllInstancesAsync"/>.</summary>
    public Task<PurgeResult> PurgeInstancesAsync(PurgeInstancesFilter filter, CancellationToken cancellation = default) =>
        PurgeAllInstancesAsync(filter, cancellation);

    /// <summary>One page of instances matching <paramref name="query"/>.</summary>
    public async Task<OrchestrationQueryResult> QueryInstancesAsync(OrchestrationQuery query, CancellationToken cancellation = default)
    {
        if (query.PageSize is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.PageSize, "PageSize must be between 1 and 1000.");
        }

        var after = DecodeToken(query.ContinuationToken);
        var rows = await _store.QueryAsync(query, after, cancellation);
        string? next = null;
        if (rows.Count > query.PageSize)
        {
            rows.RemoveAt(rows.Count - 1);
            var last = rows[^1];
            next = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{last.CreatedAt.UtcTicks}|{last.InstanceId}"));
        }

        return new OrchestrationQueryResult(rows, next);
    }

    /// <summary>Every instance matching <paramref name="query"/>, page after page.</summary>
    public async IAsyncEnumerable<OrchestrationMetadata> GetAllInstancesAsync(
        OrchestrationQuery? query = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation = default)
    {
        query ??= new OrchestrationQuery();
        while (true)
        {
            var page = await QueryInstancesAsync(query, cancellation);
            foreach (var item in page.Items)
            {
                yield return item;
            }

            if (page.ContinuationToken is null)
            {
                yield break;
            }

            query = query with { ContinuationToken = page.ContinuationToken };
        }
    }

    private async Task SendAsync(string instanceId, HistoryEvent e, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        if (await _store.SendToInstanceAsync(instanceId, e, ct) is null)
        {
            throw new OrchestrationNotFoundException(instanceId);
        }
    }

    private async Task<OrchestrationMetadata> WaitAsync(string instanceId, bool withPayloads, Func<OrchestrationMetadata, bool> done, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            var m = await GetInstanceAsync(instanceId, withPayloads, ct) ?? throw new OrchestrationNotFoundException(instanceId);
            if (done(m))
            {
                return m;
            }

            await Task.Delay(delay, ct);
            delay = TimeSpan.FromMilliseconds(Math.Min(500, delay.TotalMilliseconds * 1.5));
        }
    }

    private static (DateTime, string)? DecodeToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var bar = text.IndexOf('|');
            return (new DateTime(long.Parse(text[..bar]), DateTimeKind.Utc), text[(bar + 1)..]);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException)
        {
            throw new ArgumentException("The continuation token is not one this client issued.", nameof(token), ex);
        }
    }
}
