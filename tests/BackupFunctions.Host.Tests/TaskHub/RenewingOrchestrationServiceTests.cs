using BackupFunctions.Host.TaskHub;
using DurableTask.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupFunctions.Host.Tests.TaskHub;

/// <summary>
/// The sidecar's activity dispatcher never renews a work item's lock; the decorator must, for as long as the activity
/// runs and not a tick longer, or a long dump would reappear on the queue and run twice.
/// </summary>
public sealed class RenewingOrchestrationServiceTests
{
    [Fact]
    public async Task Renews_a_locked_activity_until_it_completes_then_stops()
    {
        var inner = new CountingService();
        var service = new RenewingOrchestrationService(inner, TimeSpan.FromMilliseconds(50), NullLogger.Instance);

        var item = await service.LockNextTaskActivityWorkItem(TimeSpan.FromSeconds(1), CancellationToken.None);
        await WaitUntilAsync(() => inner.Renewals >= 3);
        Assert.Equal(1, service.Renewing);

        await service.CompleteTaskActivityWorkItemAsync(item, new TaskMessage());
        var afterComplete = inner.Renewals;
        await Task.Delay(300);
        Assert.InRange(inner.Renewals, afterComplete, afterComplete + 1);
        Assert.Equal(0, service.Renewing);
        Assert.Equal(1, inner.Completed);
    }

    [Fact]
    public async Task Abandon_and_stop_end_renewal_and_a_failing_renewal_does_not_end_it()
    {
        var inner = new CountingService { FailRenewals = 2 };
        var service = new RenewingOrchestrationService(inner, TimeSpan.FromMilliseconds(50), NullLogger.Instance);

        var first = await service.LockNextTaskActivityWorkItem(TimeSpan.FromSeconds(1), CancellationToken.None);
        await service.LockNextTaskActivityWorkItem(TimeSpan.FromSeconds(1), CancellationToken.None);
        await WaitUntilAsync(() => inner.Renewals >= 6);
        Assert.Equal(2, service.Renewing);

        await service.AbandonTaskActivityWorkItemAsync(first);
        Assert.Equal(1, service.Renewing);
        await service.StartAsync();
        await service.StopAsync();
        Assert.Equal(0, service.Renewing);
        Assert.Equal(1, inner.Abandoned);
    }

    [Fact]
    public async Task Stopping_before_start_or_with_a_failing_backend_does_not_throw()
    {
        var inner = new CountingService { FailStop = true };
        var service = new RenewingOrchestrationService(inner, TimeSpan.FromMilliseconds(50), NullLogger.Instance);

        await service.StopAsync();
        Assert.Equal(0, inner.Stops);

        await service.StartAsync();
        await service.StopAsync(isForced: true);
        Assert.Equal(1, inner.Stops);
    }

    [Fact]
    public void Renews_at_a_third_of_the_visibility_timeout_and_never_faster_than_a_second()
    {
        Assert.Equal(TimeSpan.FromSeconds(100), TaskHubServiceCollectionExtensions.RenewalInterval(TimeSpan.FromMinutes(5)));
        Assert.Equal(TimeSpan.FromSeconds(1), TaskHubServiceCollectionExtensions.RenewalInterval(TimeSpan.FromSeconds(2)));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not become true within 10 s");
            await Task.Delay(20);
        }
    }

    /// <summary>Counts the calls the decorator passes through; only the activity members matter here.</summary>
    private sealed class CountingService : IOrchestrationService
    {
        private int _renewals;
        private int _next;

        public int FailRenewals { get; set; }

        public bool FailStop { get; set; }

        public int Stops { get; private set; }

        public int Renewals => Volatile.Read(ref _renewals);

        public int Completed { get; private set; }

        public int Abandoned { get; private set; }

        public int TaskOrchestrationDispatcherCount => 1;

        public int MaxConcurrentTaskOrchestrationWorkItems => 1;

        public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => BehaviorOnContinueAsNew.Carryover;

        public int TaskActivityDispatcherCount => 1;

        public int MaxConcurrentTaskActivityWorkItems => 1;

        public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
            Task.FromResult(new TaskActivityWorkItem { Id = "item-" + Interlocked.Increment(ref _next) });

        public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem)
        {
            var n = Interlocked.Increment(ref _renewals);
            return n <= FailRenewals ? throw new InvalidOperationException("storage hiccup") : Task.FromResult(workItem);
        }

        public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage)
        {
            Completed++;
            return Task.CompletedTask;
        }

        public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem)
        {
            Abandoned++;
            return Task.CompletedTask;
        }

        public Task StartAsync() => Task.CompletedTask;

        public Task StopAsync() => StopAsync(false);

        public Task StopAsync(bool isForced)
        {
            Stops++;
            return FailStop ? throw new NullReferenceException("as the Azure Storage service does when stopped early") : Task.CompletedTask;
        }

        public Task CreateAsync() => Task.CompletedTask;

        public Task CreateAsync(bool recreateInstanceStore) => Task.CompletedTask;

        public Task CreateIfNotExistsAsync() => Task.CompletedTask;

        public Task DeleteAsync() => Task.CompletedTask;

        public Task DeleteAsync(bool deleteInstanceStore) => Task.CompletedTask;

        public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) => false;

        public int GetDelayInSecondsAfterOnProcessException(Exception exception) => 0;

        public int GetDelayInSecondsAfterOnFetchException(Exception exception) => 0;

        public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => Task.CompletedTask;

        public Task CompleteTaskOrchestrationWorkItemAsync(
            TaskOrchestrationWorkItem workItem, OrchestrationRuntimeState newOrchestrationRuntimeState, IList<TaskMessage> outboundMessages,
            IList<TaskMessage> orchestratorMessages, IList<TaskMessage> timerMessages, TaskMessage continuedAsNewMessage, OrchestrationState orchestrationState) =>
            Task.CompletedTask;

        public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => Task.CompletedTask;

        public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => Task.CompletedTask;
    }
}
