using BackupFunctions.Cli.Engine;
using BackupFunctions.Testing;
using BackupFunctions.Workflows;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Configuration;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupFunctions.Cli.Tests.Pitr;

/// <summary>
/// The product's orchestrations and activities on the Durable Task Framework's in-memory engine (the one backupctl dr
/// runs on), with the settings of a <see cref="PitrEnvironment"/> (its archiving cluster and WAL targets), PITR
/// enabled, and a catalog in a control database of its own.
/// </summary>
internal sealed class PitrEngine : IAsyncDisposable
{
    private readonly InMemoryDurableEngine _engine;
    private readonly ServiceProvider _services;
    private readonly TempDatabase _control;

    private PitrEngine(InMemoryDurableEngine engine, ServiceProvider services, TempDatabase control, BackupFunctionsOptions options)
    {
        _engine = engine;
        _services = services;
        _control = control;
        Options = options;
    }

    public BackupFunctionsOptions Options { get; }

    public DurableTaskClient Client => _engine.Client;

    /// <summary>The catalog the activities write to (alerts).</summary>
    public IBackupCatalog Catalog => _services.GetRequiredService<IBackupCatalog>();

    public static async Task<PitrEngine> StartAsync(PitrEnvironment env, Action<BackupFunctionsOptions>? adjust = null)
    {
        var problems = new List<string>();
        var options = CliConfiguration.Load(env.ConfigFile, problems);
        if (problems.Count > 0) throw new InvalidOperationException(string.Join("; ", problems));
        var control = await TempDatabase.CreateAsync("pitrctl");
        options.Control.ConnectionString = control.ConnectionString;
        options.Pitr.Enabled = true;
        options.Retries = new WorkflowRetryOptions { Attempts = 1, FirstInterval = TimeSpan.FromSeconds(1), UploadAttempts = 1, UploadFirstInterval = TimeSpan.FromSeconds(1) };
        adjust?.Invoke(options);
        var services = new ServiceCollection().AddBackupWorkflows(options).BuildServiceProvider();
        var engine = await InMemoryDurableEngine.StartAsync(
            tasks => tasks.AddBackupWorkflows(options), s => s.AddBackupWorkflows(options), NullLoggerFactory.Instance, CancellationToken.None);
        return new PitrEngine(engine, services, control, options);
    }

    /// <summary>Starts an orchestration and waits for it to end (a guard against a hang, not a performance bound).</summary>
    public async Task<OrchestrationMetadata> RunAsync(string orchestration, object? input)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(new TaskName(orchestration), input, guard.Token);
        return await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, guard.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _engine.DisposeAsync();
            await _services.DisposeAsync();
        }
        finally
        {
            await _control.DisposeAsync();
        }
    }
}
