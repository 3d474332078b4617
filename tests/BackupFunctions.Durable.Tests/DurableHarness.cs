using BackupFunctions.Testing;

namespace BackupFunctions.Durable.Tests;

/// <summary>One throwaway database per test class.</summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    public TempDatabase Db { get; private set; } = null!;

    public async Task InitializeAsync() => Db = await TempDatabase.CreateAsync("durable");

    public async Task DisposeAsync() => await Db.DisposeAsync();
}

/// <summary>A client and a worker on a task hub of their own, with short leases so failure paths run fast.</summary>
public sealed class DurableHarness : IAsyncDisposable
{
    private readonly List<DurableTaskWorker> _workers = [];

    private DurableHarness(TempDatabase db, string hub, DurableTaskRegistry registry, Action<DurableTaskOptions>? configure)
    {
        Db = db;
        Hub = hub;
        Registry = registry;
        Configure = configure;
        Client = new DurableTaskClient(NewOptions());
    }

    public TempDatabase Db { get; }

    public string Hub { get; }

    public string Schema => "durable_" + Hub;

    public DurableTaskRegistry Registry { get; }

    public Action<DurableTaskOptions>? Configure { get; }

    public DurableTaskClient Client { get; }

    public DurableTaskWorker Worker => _workers[0];

    public static async Task<DurableHarness> StartAsync(TempDatabase db, Action<DurableTaskRegistry> register, Action<DurableTaskOptions>? configure = null, bool startWorker = true)
    {
        var registry = new DurableTaskRegistry();
        register(registry);
        var h = new DurableHarness(db, "h" + Guid.NewGuid().ToString("N")[..10], registry, configure);
        if (startWorker)
        {
            await h.AddWorkerAsync();
        }

        return h;
    }

    public DurableTaskOptions NewOptions(string? workerId = null)
    {
        var o = new DurableTaskOptions
        {
            ConnectionString = Db.ConnectionString,
            TaskHubName = Hub,
            LeaseTime = TimeSpan.FromSeconds(3),
            PollFallbackInterval = TimeSpan.FromMilliseconds(500),
            MaxDequeueCount = 3,
            MaxConcurrentActivities = 16,
            ShutdownGracePeriod = TimeSpan.FromSeconds(3),
        };
        if (workerId is not null)
        {
            o.WorkerId = workerId;
        }

        Configure?.Invoke(o);
        return o;
    }

    public async Task<DurableTaskWorker> AddWorkerAsync(string? workerId = null)
    {
        var w = new DurableTaskWorker(NewOptions(workerId), Registry);
        await w.StartAsync(CancellationToken.None);
        _workers.Add(w);
        return w;
    }

    public async Task<OrchestrationMetadata> RunAsync(string name, object? input = null, int timeoutSeconds = 60)
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(name, input);
        return await WaitAsync(id, timeoutSeconds);
    }

    public async Task<OrchestrationMetadata> WaitAsync(string id, int timeoutSeconds = 60)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            return await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
        }
        catch (OperationCanceledException)
        {
            var m = await Client.GetInstanceAsync(id, true);
            throw new TimeoutException($"Instance {id} did not finish in {timeoutSeconds}s; it is {m?.RuntimeStatus}.");
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds (for states that have no completion to wait for).</summary>
    public static async Task Eventually(Func<Task<bool>> condition, int timeoutSeconds = 30, string? what = null)
    {
        var until = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException("Condition not reached: " + what);
            }

            await Task.Delay(50);
        }
    }

    public Task<long> CountAsync(string sqlFromWhere) => Db.ScalarAsync<long>($"SELECT count(*) FROM {Schema}.{sqlFromWhere}");

    public async ValueTask DisposeAsync()
    {
        foreach (var w in _workers)
        {
            await w.DisposeAsync();
        }

        await Client.DisposeAsync();
    }
}
