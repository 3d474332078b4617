using Azure.Identity;
using DurableTask.AzureStorage;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.TaskHub;

/// <summary>Builds the Durable Task Framework's Azure Storage orchestration service from <see cref="TaskHubSettings"/>.</summary>
public static class AzureStorageTaskHub
{
    public static AzureStorageOrchestrationService Create(TaskHubSettings settings, ILoggerFactory loggerFactory) =>
        new(ServiceSettings(settings, loggerFactory));

    /// <summary>The backend's settings from ours; the benchmark adjusts levers the host does not expose on top of them.</summary>
    public static AzureStorageOrchestrationServiceSettings ServiceSettings(TaskHubSettings settings, ILoggerFactory loggerFactory) =>
        new()
        {
            StorageAccountClientProvider = string.IsNullOrWhiteSpace(settings.ConnectionString)
                ? new StorageAccountClientProvider(settings.AccountName!, new DefaultAzureCredential())
                : new StorageAccountClientProvider(settings.ConnectionString),
            TaskHubName = settings.HubName,
            PartitionCount = settings.PartitionCount,
            MaxQueuePollingInterval = settings.MaxQueuePollingInterval,
            WorkItemQueueVisibilityTimeout = settings.WorkItemVisibilityTimeout,
            ControlQueueVisibilityTimeout = settings.ControlQueueVisibilityTimeout,
            LeaseInterval = settings.LeaseInterval,
            LeaseRenewInterval = settings.LeaseRenewInterval,
            LeaseAcquireInterval = settings.LeaseAcquireInterval,
            MaxConcurrentTaskActivityWorkItems = settings.MaxConcurrentActivities,
            MaxConcurrentTaskOrchestrationWorkItems = settings.MaxConcurrentOrchestrations,
            WorkerId = string.IsNullOrWhiteSpace(settings.WorkerId) ? $"{Environment.MachineName}-{Environment.ProcessId}" : settings.WorkerId,
            LoggerFactory = loggerFactory,
        };
}
