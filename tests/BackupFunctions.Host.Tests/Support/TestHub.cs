using BackupFunctions.Testing;
using DurableTask.AzureStorage;
using DurableTask.Core;
using CoreQuery = DurableTask.Core.Query.OrchestrationQuery;

namespace BackupFunctions.Host.Tests.Support;

/// <summary>
/// A task hub of one test on Azurite: a unique name, the framework's store for reading it from the test process
/// (the hosts under test may be other processes, or gone), and its queues, tables and containers deleted on dispose.
/// <code>
/// await using var hub = new TestHub();
/// var settings = HostSettings.For(db.ConnectionString, hub.Name);
/// var states = await hub.InstancesAsync("schedule:retention:");
/// </code>
/// </summary>
public sealed class TestHub : IAsyncDisposable
{
    private readonly AzureStorageOrchestrationService _store;

    public TestHub(string? name = null)
    {
        Name = name ?? HostSettings.NewHub();
        _store = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(TestServices.AzuriteConnectionString),
            TaskHubName = Name,
        });
    }

    public string Name { get; }

    /// <summary>The latest execution of every instance whose id starts with <paramref name="prefix"/>.</summary>
    public async Task<List<OrchestrationState>> InstancesAsync(string prefix)
    {
        var all = new List<OrchestrationState>();
        string? token = null;
        do
        {
            var page = await _store.GetOrchestrationWithQueryAsync(
                new CoreQuery { InstanceIdPrefix = prefix, PageSize = 100, ContinuationToken = token }, CancellationToken.None);
            all.AddRange(page.OrchestrationState);
            token = page.ContinuationToken;
        }
        while (!string.IsNullOrEmpty(token));

        return all;
    }

    /// <summary>Every execution of one instance (empty when there is none).</summary>
    public async Task<IList<OrchestrationState>> ExecutionsAsync(string instanceId) =>
        await _store.GetOrchestrationStateAsync(instanceId, allExecutions: true);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _store.DeleteAsync();
        }
        catch (Exception)
        {
            // Never created (the test stopped before any host ran), or Azurite is gone: nothing to tidy up.
        }
    }
}
