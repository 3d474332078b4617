namespace BackupFunctions.Host.TaskHub;

/// <summary>
/// Where the self-hosted engine keeps its state and how it is tuned (BackupFunctions:TaskHub). The backend is the Durable
/// Task Framework's Azure Storage provider: Azurite locally, a storage account in production. Every host pointed at the
/// same account and hub name shares the work; the partition count is the unit of that sharing.
/// </summary>
public sealed class TaskHubSettings
{
    public const string SectionName = "BackupFunctions:TaskHub";

    /// <summary>Hub name: letters and digits, 3–45 characters (it prefixes queue, table and container names).</summary>
    public string HubName { get; set; } = "backupfunctions";

    /// <summary>An Azure Storage connection string (with blob, queue and table endpoints). Falls back to AzureWebJobsStorage.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>With no connection string: the storage account name, reached with a managed identity (DefaultAzureCredential).</summary>
    public string? AccountName { get; set; }

    /// <summary>Control-queue partitions (1–16): at most this many hosts run orchestrations at once. Fixed once the hub exists.</summary>
    public int PartitionCount { get; set; } = 4;

    /// <summary>The idle polling back-off ceiling: the largest lever on the latency of a step on a quiet hub.</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a dequeued activity message stays invisible; a killed host's activity runs again after this.</summary>
    public TimeSpan WorkItemVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The same for orchestration (control-queue) messages.</summary>
    public TimeSpan ControlQueueVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Partition lease length: a killed host's partitions move to another host after at most this.</summary>
    public TimeSpan LeaseInterval { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan LeaseAcquireInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Activities this host runs at once. Dumps and uploads are I/O and CPU heavy: keep it near the core count.</summary>
    public int MaxConcurrentActivities { get; set; } = Math.Max(2, Environment.ProcessorCount * 2);

    public int MaxConcurrentOrchestrations { get; set; } = 50;

    /// <summary>This host's name in leases and logs; the machine name and process id when empty.</summary>
    public string? WorkerId { get; set; }

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(HubName) || HubName.Length is < 3 or > 45 || !HubName.All(char.IsAsciiLetterOrDigit) || !char.IsAsciiLetter(HubName[0]))
        {
            problems.Add($"{SectionName}:HubName '{HubName}' must be 3-45 letters and digits, starting with a letter (it names queues, tables and containers).");
        }

        if (string.IsNullOrWhiteSpace(ConnectionString) && string.IsNullOrWhiteSpace(AccountName))
        {
            problems.Add($"{SectionName}:ConnectionString (or AzureWebJobsStorage) is not set: give the Azure Storage account the task hub lives in " +
                "(locally the Azurite connection string that scripts/services.sh env prints), or AccountName for a managed identity.");
        }

        if (PartitionCount is < 1 or > 16)
        {
            problems.Add($"{SectionName}:PartitionCount must be 1-16 (it was {PartitionCount}).");
        }

        if (MaxQueuePollingInterval <= TimeSpan.Zero || WorkItemVisibilityTimeout <= TimeSpan.Zero || ControlQueueVisibilityTimeout <= TimeSpan.Zero
            || LeaseInterval <= TimeSpan.Zero || LeaseRenewInterval <= TimeSpan.Zero || LeaseAcquireInterval <= TimeSpan.Zero)
        {
            problems.Add($"{SectionName}: polling, visibility and lease intervals must be positive time spans.");
        }
        else if (LeaseRenewInterval >= LeaseInterval)
        {
            problems.Add($"{SectionName}:LeaseRenewInterval must be shorter than LeaseInterval, or a live host loses its partitions.");
        }

        if (MaxConcurrentActivities < 1 || MaxConcurrentOrchestrations < 1)
        {
            problems.Add($"{SectionName}: MaxConcurrentActivities and MaxConcurrentOrchestrations must be at least 1.");
        }

        return problems;
    }
}
