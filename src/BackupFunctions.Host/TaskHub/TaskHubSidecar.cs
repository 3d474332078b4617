using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.TaskHub;

/// <summary>
/// The Durable Task sidecar inside this process: the SDK's <c>TaskHubGrpcServer</c> over the framework's orchestration
/// service, served on a Unix socket to this host's own <c>DurableTaskWorker</c> and <c>DurableTaskClient</c>. It is a
/// small web app of its own because the server starts and stops its dispatchers with its own application lifetime.
/// Registered before the worker, so it starts first and stops last.
/// </summary>
public sealed class TaskHubSidecar : IHostedService, IAsyncDisposable
{
    private readonly IOrchestrationService _service;
    private readonly IOrchestrationServiceClient _client;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private WebApplication? _app;

    public TaskHubSidecar(IOrchestrationService service, IOrchestrationServiceClient client, ILoggerFactory loggerFactory)
    {
        _service = service;
        _client = client;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<TaskHubSidecar>();
        var directory = Directory.CreateTempSubdirectory("bf-taskhub-");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        SocketPath = Path.Combine(directory.FullName, "sidecar.sock");
        Channel = UnixSocketChannel.Create(SocketPath);
    }

    public string SocketPath { get; }

    /// <summary>The channel this host's worker and client use; it connects on first use, once the sidecar listens.</summary>
    public GrpcChannel Channel { get; }

    public bool IsListening => _app is not null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Queues, tables and lease blobs; idempotent, so every host may call it.
        await _service.CreateIfNotExistsAsync().ConfigureAwait(false);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(_loggerFactory);
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = 16 * 1024 * 1024);
        builder.Services.AddSingleton(_service);
        builder.Services.AddSingleton(_client);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        builder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(SocketPath, o => o.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.MapGrpcService<TaskHubGrpcServer>();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        TaskHubLog.SidecarStarted(_logger, SocketPath);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            // Stopping the app stops the dispatchers; in-flight work items are abandoned back to their queues.
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        if (_app is { } app)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }

        try
        {
            Directory.Delete(Path.GetDirectoryName(SocketPath)!, recursive: true);
        }
        catch (IOException)
        {
            // A socket left in temp is harmless; the next start makes a new directory.
        }
    }
}
