using BackupFunctions.Durable.Store.Postgres;
using BackupFunctions.Durable.Worker;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupFunctions.Durable;

/// <summary>
/// Runs orchestrations and activities from the store. A hosted service in a generic host, or
/// started and stopped by hand (<see cref="StartAsync"/>, <see cref="StopAsync"/>) in a plain program.
/// Stopping stops taking work, cancels running activities, and releases every lease so another
/// worker takes over at once.
/// </summary>
public sealed class DurableTaskWorker : IHostedService, IAsyncDisposable
{
    private readonly PostgresStore _store;
    private readonly bool _ownsStore;
    private readonly ILogger _logger;
    private readonly WorkSignal _orchestrationSignal = new();
    private readonly WorkSignal _activitySignal = new();
    private readonly OrchestrationDispatcher _orchestrations;
    private readonly ActivityDispatcher _activities;
    private CancellationTokenSource? _stop;
    private CancellationTokenSource? _shutdown;
    private Task? _loops;

    public DurableTaskWorker(DurableTaskOptions options, DurableTaskRegistry registry, IServiceProvider? services = null, ILoggerFactory? loggerFactory = null)
        : this(new PostgresStore(options), ownsStore: true, registry, services, loggerFactory)
    {
    }

    internal DurableTaskWorker(PostgresStore store, bool ownsStore, DurableTaskRegistry registry, IServiceProvider? services, ILoggerFactory? loggerFactory)
    {
        _store = store;
        _ownsStore = ownsStore;
        loggerFactory ??= NullLoggerFactory.Instance;
        services ??= EmptyServiceProvider.Instance;
        _logger = loggerFactory.CreateLogger("BackupFunctions.Durable.Worker");
        _orchestrations = new OrchestrationDispatcher(store, registry, services, _orchestrationSignal, loggerFactory);
        _activities = new ActivityDispatcher(store, registry, services, _activitySignal, loggerFactory.CreateLogger("BackupFunctions.Durable.Activities"));
    }

    public string WorkerId => _store.Options.WorkerId;

    /// <summary>For benchmarks: called at each activity start with (scheduled at, locked at), database clock.</summary>
    internal Action<DateTime, DateTime>? OnActivityStarted
    {
        get => _activities.OnActivityStarted;
        set => _activities.OnActivityStarted = value;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_loops is not null)
        {
            throw new InvalidOperationException("The worker is already started.");
        }

        await _store.EnsureSchemaAsync(cancellationToken);
        _stop = new CancellationTokenSource();
        _shutdown = new CancellationTokenSource();
        var listener = new NotificationListener(_store, _orchestrationSignal, _activitySignal, _logger);
        _loops = Task.WhenAll(
            Task.Run(() => listener.RunAsync(_stop.Token), CancellationToken.None),
            Task.Run(() => _orchestrations.RunAsync(_stop.Token), CancellationToken.None),
            Task.Run(() => _activities.RunAsync(_stop.Token, _shutdown.Token), CancellationToken.None));
        Log.WorkerStarted(_logger, WorkerId, _store.Options.TaskHubName);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_loops is null || _stop is null || _shutdown is null)
        {
            return;
        }

        await _stop.CancelAsync();
        await _shutdown.CancelAsync();
        await _activities.DrainAsync(_store.Options.ShutdownGracePeriod);
        await Task.WhenAny(_loops, Task.Delay(_store.Options.ShutdownGracePeriod, cancellationToken));
        try
        {
            await _store.ReleaseAllAsync(WorkerId, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The leases will expire on their own.
            Log.LoopError(_logger, ex, "release");
        }

        _loops = null;
        Log.WorkerStopped(_logger, WorkerId);
    }

    /// <summary>Test hook: stop like a killed process would, leaving leases held and results unwritten.</summary>
    internal async Task SimulateCrashAsync()
    {
        _activities.Crashed = true;
        if (_stop is not null)
        {
            await _stop.CancelAsync();
        }

        _loops = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        if (_ownsStore)
        {
            await _store.DisposeAsync();
        }
    }

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public static readonly EmptyServiceProvider Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
