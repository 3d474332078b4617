using System.Text.Json;
using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BackupFunctions.Host.TaskHub;

public static class TaskHubServiceCollectionExtensions
{
    /// <summary>
    /// Inputs, outputs, custom status and events as JSON with web defaults (camelCase), the shape the HTTP API and
    /// Durable Functions clients read.
    /// </summary>
    public static DataConverter JsonConverter { get; } = new JsonDataConverter(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>
    /// The self-hosted engine: the Azure Storage orchestration service, the in-process gRPC sidecar over it, and the SDK's
    /// <see cref="DurableTaskClient"/> and worker (with the tasks <paramref name="register"/> adds) connected to it.
    /// </summary>
    public static IServiceCollection AddSelfHostedTaskHub(this IServiceCollection services, TaskHubSettings settings, Action<DurableTaskRegistry> register)
    {
        services.AddSingleton(settings);
        services.AddSingleton(sp => AzureStorageTaskHub.Create(settings, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IOrchestrationService>(sp => new RenewingOrchestrationService(
            sp.GetRequiredService<DurableTask.AzureStorage.AzureStorageOrchestrationService>(),
            RenewalInterval(settings.WorkItemVisibilityTimeout),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<RenewingOrchestrationService>()));
        services.AddSingleton<IOrchestrationServiceClient>(sp => sp.GetRequiredService<DurableTask.AzureStorage.AzureStorageOrchestrationService>());
        services.AddSingleton<TaskHubSidecar>();

        // First among the hosted services: it must listen before the worker connects, and stop after the worker.
        services.AddHostedService(sp => sp.GetRequiredService<TaskHubSidecar>());

        services.AddDurableTaskWorker(builder =>
        {
            builder.AddTasks(register);
            builder.UseGrpc(_ => { });
        });
        services.AddOptions<DurableTaskWorkerOptions>(Options.DefaultName).Configure(o => o.DataConverter = JsonConverter);
        services.AddOptions<DurableTaskClientOptions>(Options.DefaultName).Configure(o => o.DataConverter = JsonConverter);
        services.AddOptions<GrpcDurableTaskWorkerOptions>(Options.DefaultName).Configure<TaskHubSidecar>((o, sidecar) =>
        {
            o.Channel = sidecar.Channel;
            o.DataConverter = JsonConverter;
            o.Concurrency.MaximumConcurrentActivityWorkItems = settings.MaxConcurrentActivities;
            o.Concurrency.MaximumConcurrentOrchestrationWorkItems = settings.MaxConcurrentOrchestrations;
        });

        services.AddDurableTaskClient(builder => builder.UseGrpc(_ => { }));
        services.AddOptions<GrpcDurableTaskClientOptions>(Options.DefaultName).Configure<TaskHubSidecar>((o, sidecar) =>
        {
            o.Channel = sidecar.Channel;
            o.DataConverter = JsonConverter;
        });
        return services;
    }

    /// <summary>A third of the visibility timeout: two renewals may fail before the lock runs out.</summary>
    internal static TimeSpan RenewalInterval(TimeSpan visibilityTimeout) =>
        TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, visibilityTimeout.Ticks / 3));
}
