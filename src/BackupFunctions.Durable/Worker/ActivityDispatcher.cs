using System.Collections.Concurrent;
using System.Threading.Channels;
using BackupFunctions.Durable.Store.Postgres;
using BackupFunctions.Durable.Worker.Execution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Durable.Worker;

/// <summary>
/// Locks activity tasks in batches, runs them, renews their leases, and writes their results in
/// batches (each result deletes its task row and queues one message, atomically).
/// </summary>
internal sealed class ActivityDispatcher(
    PostgresStore store, DurableTaskRegistry registry, IServiceProvider services, WorkSignal signal, ILogger logger)
{
    private readonly DurableTaskOptions _options = store.Options;
    private readonly ConcurrentDictionary<long, Running> _running = new();
    private readonly Channel<(ActivityCompletion Completion, TaskCompletionSource Written)> _completions =
        Channel.CreateUnbounded<(ActivityCompletion, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Fires for every activity start: (scheduled at, locked at), both on the database clock. For benchmarks.</summary>
    internal Action<DateTime, DateTime>? OnActivityStarted { get; set; }

    /// <summary>Set by a simulated crash: results are no longer written and leases are not renewed.</summary>
    internal bool Crashed { get; set; }

    public int RunningCount => _running.Count;

    public async Task RunAsync(CancellationToken stop, CancellationToken shutdown)
    {
        using var slots = new SemaphoreSlim(_options.MaxConcurrentActivities);
        var writer = Task.Run(() => WriteCompletionsAsync(), CancellationToken.None);
        var renewer = Task.Run(() => RenewLeasesAsync(stop), CancellationToken.None);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await slots.WaitAsync(stop);
                var free = slots.CurrentCount + 1;
                List<ActivityWorkItem> items;
                try
                {
                    items = await store.LockTasksAsync(_options.WorkerId, _options.LeaseTime, Math.Min(free, 100), stop);
                }
                catch
                {
                    slots.Release();
                    throw;
                }

                if (items.Count == 0)
                {
                    slots.Release();
                    await signal.WaitAsync(_options.PollFallbackInterval, stop);
                    continue;
                }

                for (var i = 0; i < items.Count; i++)
                {
                    if (i > 0)
                    {
                        await slots.WaitAsync(CancellationToken.None);
                    }

                    var item = items[i];
                    var cts = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
                    var running = new Running(item, cts);
                    _running[item.Id] = running;
                    running.Task = Task.Run(async () =>
                    {
                        try
                        {
                            await RunOneAsync(running);
                        }
                        finally
                        {
                            _running.TryRemove(item.Id, out _);
                            cts.Dispose();
                            slots.Release();
                        }
                    }, CancellationToken.None);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                Log.LoopError(logger, ex, "activities");
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        await renewer;
        await Task.WhenAll(_running.Values.Select(r => r.Task ?? Task.CompletedTask));
        _completions.Writer.TryComplete();
        await writer;
    }

    /// <summary>Waits up to <paramref name="grace"/> for running activities, for shutdown.</summary>
    public async Task DrainAsync(TimeSpan grace)
    {
        var all = Task.WhenAll(_running.Values.Select(r => r.Task ?? Task.CompletedTask));
        await Task.WhenAny(all, Task.Delay(grace));
    }

    private async Task RunOneAsync(Running run)
    {
        var item = run.Item;
        HistoryEvent result;
        if (item.DequeueCount > _options.MaxDequeueCount)
        {
            result = Failed(item, new TaskFailureDetails(
                "PoisonMessage",
                $"Activity '{item.Name}' was started {item.DequeueCount - 1} times without finishing (limit {_options.MaxDequeueCount}); " +
                "its worker probably crashed or lost the lease each time. It was failed instead of being retried forever.",
                IsNonRetriable: true));
        }
        else
        {
            await using var scope = services.GetService<IServiceScopeFactory>()?.CreateAsyncScope();
            var provider = scope?.ServiceProvider ?? services;
            if (!registry.TryCreateActivity(item.Name, provider, out var activity))
            {
                result = Failed(item, new TaskFailureDetails(
                    "ActivityNotFound",
                    $"No activity named '{item.Name}' is registered on worker {_options.WorkerId}. Register it with DurableTaskRegistry.AddActivity.",
                    IsNonRetriable: true));
            }
            else
            {
                var context = new WorkerActivityContext(store, item, run.Cancellation);
                OnActivityStarted?.Invoke(item.CreatedAt, item.LockedAt);
                try
                {
                    var input = _options.DataConverter.Deserialize(item.Input, activity!.InputType);
                    var output = await activity.RunAsync(context, input);
                    var text = _options.DataConverter.Serialize(output);
                    PayloadLimit.Check(text, _options.MaxPayloadBytes, $"output of activity '{item.Name}'");
                    result = new HistoryEvent { EventType = HistoryEventType.TaskCompleted, Timestamp = DateTime.UtcNow, TaskScheduledId = item.EventId, Result = text };
                }
                catch (OperationCanceledException) when (run.Cancellation.IsCancellationRequested)
                {
                    if (run.LeaseLost)
                    {
                        Log.LeaseLost(logger, item.Id, item.Name);
                    }
                    else if (!Crashed)
                    {
                        // Shutdown: hand the task back so another worker runs it now.
                        await store.AbandonTasksAsync(_options.WorkerId, [item.Id], CancellationToken.None);
                    }

                    return;
                }
                catch (Exception ex)
                {
                    result = Failed(item, TaskFailureDetails.FromException(ex));
                }
            }
        }

        if (Crashed)
        {
            return;
        }

        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _completions.Writer.WriteAsync((new ActivityCompletion(item.Id, result), written));
        await written.Task;
    }

    private static HistoryEvent Failed(ActivityWorkItem item, TaskFailureDetails details) =>
        new() { EventType = HistoryEventType.TaskFailed, Timestamp = DateTime.UtcNow, TaskScheduledId = item.EventId, FailureDetails = details };

    private async Task WriteCompletionsAsync()
    {
        var reader = _completions.Reader;
        var batch = new List<(ActivityCompletion Completion, TaskCompletionSource Written)>();
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < 500 && reader.TryRead(out var c))
            {
                batch.Add(c);
            }

            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    if (!Crashed)
                    {
                        await store.CompleteTasksAsync(_options.WorkerId, batch.Select(b => b.Completion).ToList(), CancellationToken.None);
                    }

                    break;
                }
                catch (Exception ex) when (attempt < 5)
                {
                    Log.LoopError(logger, ex, "activity results");
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
                }
                catch (Exception ex)
                {
                    // Give up on this batch: the leases expire and the tasks run again elsewhere.
                    Log.LoopError(logger, ex, "activity results");
                    break;
                }
            }

            foreach (var b in batch)
            {
                b.Written.TrySetResult();
            }
        }
    }

    private async Task RenewLeasesAsync(CancellationToken stop)
    {
        var period = TimeSpan.FromTicks(_options.LeaseTime.Ticks / 3);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (Crashed)
            {
                return;
            }

            var ids = _running.Keys.ToArray();
            if (ids.Length == 0)
            {
                continue;
            }

            try
            {
                var held = await store.RenewTasksAsync(_options.WorkerId, ids, _options.LeaseTime, stop);
                foreach (var id in ids)
                {
                    if (!held.Contains(id) && _running.TryGetValue(id, out var r))
                    {
                        r.LeaseLost = true;
                        try
                        {
                            await r.Cancellation.CancelAsync();
                        }
                        catch (ObjectDisposedException)
                        {
                            // It finished meanwhile.
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.LoopError(logger, ex, "lease renewal");
            }
        }
    }

    private sealed class Running(ActivityWorkItem item, CancellationTokenSource cancellation)
    {
        public ActivityWorkItem Item { get; } = item;

        public CancellationTokenSource Cancellation { get; } = cancellation;

        public Task? Task { get; set; }

        public volatile bool LeaseLost;
    }
}
