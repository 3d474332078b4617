using System.Collections.Concurrent;
using DurableTask.Core;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.TaskHub;

/// <summary>
/// The orchestration service as the sidecar's dispatchers see it: the Azure Storage service, plus renewal of every
/// activity work item's lock while the activity runs. The sidecar's activity dispatcher never renews, so without this
/// an activity longer than <see cref="TaskHubSettings.WorkItemVisibilityTimeout"/> (a large dump or upload) would
/// reappear on the queue and run a second time beside the first. A killed host stops renewing, which is what lets
/// another host pick the work up after the timeout.
/// </summary>
internal sealed class RenewingOrchestrationService(IOrchestrationService inner, TimeSpan renewEvery, ILogger logger) : IOrchestrationService
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _renewals = new();
    private int _started;

    public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;

    public int MaxConcurrentTaskOrchestrationWorkItems => inner.MaxConcurrentTaskOrchestrationWorkItems;

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;

    public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;

    public int MaxConcurrentTaskActivityWorkItems => inner.MaxConcurrentTaskActivityWorkItems;

    public async Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        var workItem = await inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken).ConfigureAwait(false);
        if (workItem is not null)
        {
            var cts = new CancellationTokenSource();
            if (_renewals.TryAdd(workItem.Id, cts))
            {
                _ = RenewUntilDoneAsync(workItem, cts.Token);
            }
            else
            {
                cts.Dispose();
            }
        }

        return workItem!;
    }

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) =>
        inner.RenewTaskActivityWorkItemLockAsync(workItem);

    public async Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage)
    {
        StopRenewing(workItem);
        await inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage).ConfigureAwait(false);
    }

    public async Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem)
    {
        StopRenewing(workItem);
        await inner.AbandonTaskActivityWorkItemAsync(workItem).ConfigureAwait(false);
    }

    public async Task StartAsync()
    {
        await inner.StartAsync().ConfigureAwait(false);
        Interlocked.Exchange(ref _started, 1);
    }

    public Task StopAsync() => StopAsync(isForced: false);

    /// <summary>
    /// The sidecar calls this from an async-void shutdown handler, where any exception ends the process. The Azure
    /// Storage service throws when stopped before it started (a host stopping before its worker connected), and a
    /// failing stop has nothing left to protect, so it is logged, not thrown.
    /// </summary>
    public async Task StopAsync(bool isForced)
    {
        StopAll();
        if (Interlocked.Exchange(ref _started, 0) == 0)
        {
            return;
        }

        try
        {
            await inner.StopAsync(isForced).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            TaskHubLog.StopFailed(logger, ex);
        }
    }

    public Task CreateAsync() => inner.CreateAsync();

    public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);

    public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();

    public Task DeleteAsync() => inner.DeleteAsync();

    public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) =>
        inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);

    public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem, OrchestrationRuntimeState newOrchestrationRuntimeState, IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages, IList<TaskMessage> timerMessages, TaskMessage continuedAsNewMessage, OrchestrationState orchestrationState) =>
        inner.CompleteTaskOrchestrationWorkItemAsync(
            workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.AbandonTaskOrchestrationWorkItemAsync(workItem);

    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);

    /// <summary>The number of activity work items whose locks are being kept alive (for tests and diagnostics).</summary>
    internal int Renewing => _renewals.Count;

    private async Task RenewUntilDoneAsync(TaskActivityWorkItem workItem, CancellationToken done)
    {
        try
        {
            using var timer = new PeriodicTimer(renewEvery);
            while (await timer.WaitForNextTickAsync(done).ConfigureAwait(false))
            {
                try
                {
                    await inner.RenewTaskActivityWorkItemLockAsync(workItem).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One failed renewal is not fatal: the lock still has time left, and the next tick tries again.
                    TaskHubLog.RenewFailed(logger, ex, workItem.Id);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Completed or abandoned.
        }
    }

    private void StopRenewing(TaskActivityWorkItem workItem)
    {
        if (_renewals.TryRemove(workItem.Id, out var cts))
        {
            cts.Cancel();
            cts.Dispose();
        }
    }

    private void StopAll()
    {
        foreach (var id in _renewals.Keys)
        {
            if (_renewals.TryRemove(id, out var cts))
            {
                cts.Cancel();
                cts.Dispose();
            }
        }
    }
}
