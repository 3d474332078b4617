using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Configuration;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Workflows.Tests.Orchestrations;

/// <summary>
/// The product's orchestrations on the Durable Task Framework's in-memory engine (<see cref="DurableTaskTestHost"/>:
/// a worker and a real <see cref="DurableTaskClient"/> over an in-process gRPC sidecar), in this process, with every
/// orchestrator and activity registered by <c>AddBackupWorkflows(options)</c> and the product's services: the catalog in a
/// control database of its own, and whatever targets the settings name (real ones unless a test swaps one).
/// Payloads are JSON with web defaults (camelCase), as in the hosts.
/// </summary>
public sealed class EngineHarness : IAsyncDisposable
{
    private readonly TempDatabase _control;
    private readonly DurableTaskTestHost _host;

    static EngineHarness()
    {
        // Host.CreateDefaultBuilder (the test host builds two hosts per harness) would watch appsettings.json with one
        // inotify instance per host, and log Kestrel's start-up lines to the console; neither helps a test run.
        SetIfUnset("DOTNET_hostBuilder__reloadConfigOnChange", "false");
        SetIfUnset("Logging__LogLevel__Default", "Warning");
    }

    private EngineHarness(TempDatabase control, DurableTaskTestHost host, RecordingDataConverter converter)
    {
        _control = control;
        _host = host;
        Converter = converter;
    }

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    public DurableTaskClient Client => _host.Client;

    /// <summary>The worker host's services (the ones the activities were given).</summary>
    public IServiceProvider Services => _host.Services;

    public IBackupCatalog Catalog => Services.GetRequiredService<IBackupCatalog>();

    public string ControlConnectionString => _control.ConnectionString;

    /// <summary>The worker's and client's data converter, which also records every activity attempt's input.</summary>
    public RecordingDataConverter Converter { get; }

    /// <summary>
    /// Starts the engine on <paramref name="options"/> (its Control connection string is set to a new control database).
    /// </summary>
    /// <param name="retries">The retry policies; by default real ones with short intervals, so a dead target fails in seconds.</param>
    /// <param name="services">Registrations after the product's: a later registration replaces the product's one.</param>
    /// <param name="routeControl">Rewrites the control database's connection string the product gets (e.g. through a fault proxy).</param>
    public static async Task<EngineHarness> StartAsync(BackupFunctionsOptions options, WorkflowRetryOptions? retries = null,
        Action<IServiceCollection>? services = null, Func<string, string>? routeControl = null)
    {
        var control = await TempDatabase.CreateAsync("ctl");
        try
        {
            options.Control.ConnectionString = routeControl?.Invoke(control.ConnectionString) ?? control.ConnectionString;
            options.Retries = retries ?? new WorkflowRetryOptions
            {
                Attempts = 2,
                FirstInterval = TimeSpan.FromSeconds(1),
                UploadAttempts = 2,
                UploadFirstInterval = TimeSpan.FromSeconds(1),
            };
            var converter = new RecordingDataConverter(Json);
            var host = await DurableTaskTestHost.StartAsync(registry => registry.AddBackupWorkflows(options), new DurableTaskTestHostOptions
            {
                Port = FreePort(),
                ConfigureServices = s =>
                {
                    s.AddBackupWorkflows(options);
                    // Both the worker and the client take a DataConverter service when none is set on their options.
                    s.AddSingleton<DataConverter>(converter);
                    services?.Invoke(s);
                },
            });
            return new EngineHarness(control, host, converter);
        }
        catch
        {
            await control.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts an orchestration and waits for it to finish (outputs and custom status included).</summary>
    public async Task<OrchestrationMetadata> RunAsync(string name, object? input, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(new TaskName(name), input, cts.Token);
        return await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.DisposeAsync();
        }
        finally
        {
            await _control.DisposeAsync();
        }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private static void SetIfUnset(string name, string value)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
