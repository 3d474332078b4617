using BackupFunctions.Durable;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Workflows.Tests.Orchestrations;

/// <summary>
/// The product's orchestrations on the real durable engine, in this process: a control database of
/// its own (engine store + catalog), a worker with every orchestrator and activity, and a client.
/// </summary>
public sealed class EngineHarness : IAsyncDisposable
{
    private readonly TempDatabase _control;
    private readonly ServiceProvider _services;
    private readonly DurableTaskWorker _worker;

    private EngineHarness(TempDatabase control, ServiceProvider services, DurableTaskWorker worker, DurableTaskClient client)
    {
        _control = control;
        _services = services;
        _worker = worker;
        Client = client;
    }

    public DurableTaskClient Client { get; }

    public IBackupCatalog Catalog => _services.GetRequiredService<IBackupCatalog>();

    public string ControlConnectionString => _control.ConnectionString;

    public static async Task<EngineHarness> StartAsync(BackupFunctionsOptions options)
    {
        var control = await TempDatabase.CreateAsync("ctl");
        options.Control.ConnectionString = control.ConnectionString;
        // Real retry policies, short intervals: a dead target fails in seconds, not minutes.
        options.Retries = new WorkflowRetryOptions
        {
            Attempts = 2,
            FirstInterval = TimeSpan.FromSeconds(1),
            UploadAttempts = 2,
            UploadFirstInterval = TimeSpan.FromSeconds(1),
        };
        var services = new ServiceCollection().AddLogging().AddBackupWorkflows(options).BuildServiceProvider();
        var durable = new DurableTaskOptions
        {
            ConnectionString = control.ConnectionString,
            TaskHubName = "bftest",
            LeaseTime = TimeSpan.FromSeconds(10),
        };
        var worker = new DurableTaskWorker(durable, new DurableTaskRegistry().AddBackupWorkflows(), services);
        await worker.StartAsync(CancellationToken.None);
        return new EngineHarness(control, services, worker, new DurableTaskClient(durable));
    }

    public async Task<OrchestrationMetadata> RunAsync(string name, object input, TimeSpan? timeout = null)
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(name, input);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        return await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _worker.StopAsync(CancellationToken.None);
        await _worker.DisposeAsync();
        await Client.DisposeAsync();
        await _services.DisposeAsync();
        await _control.DisposeAsync();
    }
}
