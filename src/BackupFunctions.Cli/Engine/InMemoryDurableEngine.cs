using System.Net;
using System.Text.Json;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Cli.Engine;

/// <summary>
/// The Durable Task Framework in this process, with its state in memory: the framework's
/// <see cref="InMemoryOrchestrationService"/> behind its gRPC sidecar (<see cref="TaskHubGrpcServer"/>,
/// on a loopback port the system picks), and the real gRPC worker and <see cref="DurableTaskClient"/>
/// talking to it. It is what <c>DurableTaskTestHost</c> wires, minus what does not suit a command
/// line: that host takes a random port in 30000-40000 without checking it is free, reads
/// appsettings.json from the working directory, logs the sidecar's requests to stdout (which must
/// carry only the result, e.g. the --json document) and installs Ctrl+C handlers of its own.
/// Here every log goes to the command's logger factory (stderr), nothing reads configuration,
/// and cancellation stays with the command.
/// </summary>
internal sealed class InMemoryDurableEngine : IAsyncDisposable
{
    /// <summary>
    /// Web defaults (camelCase names, case-insensitive reads) on both sides: inputs, outputs, custom
    /// status and event payloads look the same in the worker, in the client and in --json.
    /// </summary>
    public static DataConverter Converter { get; } = new JsonDataConverter(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    private readonly WebApplication _sidecar;

    private readonly GrpcChannel _channel;
    private readonly IHost _worker;
    private readonly StoppableLoggerFactory _loggers;

    private InMemoryDurableEngine(WebApplication sidecar, GrpcChannel channel, IHost worker, StoppableLoggerFactory loggers)
    {
        _sidecar = sidecar;
        _channel = channel;
        _worker = worker;
        _loggers = loggers;
    }

    public DurableTaskClient Client => _worker.Services.GetRequiredService<DurableTaskClient>();

    /// <summary>Starts the sidecar, then the worker (with <paramref name="configureServices"/> for the activities' services) and the client.</summary>
    /// <param name="converter">Serializes every payload (inputs, activity results, custom status, events, outputs); <see cref="Converter"/> unless a test watches them.</param>
    public static async Task<InMemoryDurableEngine> StartAsync(
        Action<DurableTaskRegistry> tasks, Action<IServiceCollection> configureServices, ILoggerFactory commandLoggers, CancellationToken ct,
        DataConverter? converter = null)
    {
        converter ??= Converter;
        var loggers = new StoppableLoggerFactory(commandLoggers);
        var sidecar = BuildSidecar(loggers);
        GrpcChannel? channel = null;
        IHost? worker = null;
        try
        {
            await sidecar.StartAsync(ct);
            var address = sidecar.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
            {
                LoggerFactory = loggers,
                // Straight to the loopback port: an operator's HTTP_PROXY must not route the engine's own calls.
                HttpHandler = new SocketsHttpHandler { UseProxy = false },
            });

            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Services.AddSingleton<IHostLifetime, CommandLifetime>();
            builder.Services.AddSingleton<ILoggerFactory>(loggers);
            configureServices(builder.Services);
            var grpc = channel;
            builder.Services.AddDurableTaskWorker(b =>
            {
                b.UseGrpc(grpc);
                b.AddTasks(tasks);
            });
            builder.Services.AddDurableTaskClient(b =>
            {
                b.UseGrpc(grpc);
                b.RegisterDirectly();
            });
            builder.Services.Configure<DurableTaskWorkerOptions>(o =>
            {
                o.DataConverter = converter;
                // One log line per event, under the worker's specific categories (the legacy ones repeat each line).
                o.Logging.UseLegacyCategories = false;
            });
            builder.Services.Configure<DurableTaskClientOptions>(o => o.DataConverter = converter);
            worker = builder.Build();
            await worker.StartAsync(ct);
            return new InMemoryDurableEngine(sidecar, channel, worker, loggers);
        }
        catch
        {
            loggers.Stop();
            await StopAsync(sidecar, channel, worker);
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        _loggers.Stop();
        return new ValueTask(StopAsync(_sidecar, _channel, _worker));
    }

    private static WebApplication BuildSidecar(ILoggerFactory loggers)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
            // Loopback only, a port the system picks; gRPC without TLS needs HTTP/2 alone.
            k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton<IHostLifetime, CommandLifetime>();
        builder.Services.AddSingleton<ILoggerFactory>(loggers);
        builder.Services.AddGrpc();
        var engine = new InMemoryOrchestrationService(loggers);
        builder.Services.AddSingleton<IOrchestrationService>(engine);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(engine);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        var app = builder.Build();
        app.MapGrpcService<TaskHubGrpcServer>();
        return app;
    }

    /// <summary>The worker first (it finishes or abandons its work items), then the channel, then the sidecar.</summary>
    private static async Task StopAsync(WebApplication sidecar, GrpcChannel? channel, IHost? worker)
    {
        if (worker is not null)
        {
            await worker.StopAsync(CancellationToken.None);
            worker.Dispose();
        }

        if (channel is not null)
        {
            await channel.ShutdownAsync();
            channel.Dispose();
        }

        await sidecar.StopAsync(CancellationToken.None);
        await sidecar.DisposeAsync();
    }

    /// <summary>
    /// No console lifetime: Ctrl+C and SIGTERM belong to the command (System.CommandLine cancels its
    /// token, the command stops the engine), and there is no "Application started" line on stdout.
    /// </summary>
    private sealed class CommandLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>
    /// The command's loggers, silent but for critical entries once the engine stops. Stopping
    /// mid-run (Ctrl+C, a refused approval) cuts the sidecar's work-item stream and the worker's
    /// calls short, and both log that as an error with a stack trace; the command has already said
    /// what happened and how it ended, so those lines are only noise for the operator.
    /// </summary>
    private sealed class StoppableLoggerFactory(ILoggerFactory inner) : ILoggerFactory
    {
        private volatile bool _stopped;

        public void Stop() => _stopped = true;

        public ILogger CreateLogger(string categoryName) => new Logger(inner.CreateLogger(categoryName), this);

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        /// <summary>The command owns (and disposes) the factory inside.</summary>
        public void Dispose()
        {
        }

        private sealed class Logger(ILogger inner, StoppableLoggerFactory owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => inner.BeginScope(state);

            public bool IsEnabled(LogLevel logLevel) => (!owner._stopped || logLevel == LogLevel.Critical) && inner.IsEnabled(logLevel);

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    inner.Log(logLevel, eventId, state, exception, formatter);
                }
            }
        }
    }
}
