using System.Text.RegularExpressions;

namespace BackupFunctions.Durable;

/// <summary>Settings shared by the client and the worker.</summary>
public sealed partial class DurableTaskOptions
{
    /// <summary>The PostgreSQL connection string of the store.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// Separates apps that share one database: each hub is its own PostgreSQL schema,
    /// <c>durable_{hub}</c>. Letters, digits and underscores; case-insensitive.
    /// </summary>
    public string TaskHubName { get; set; } = "default";

    /// <summary>Identifies this worker in lock columns; unique per process by default.</summary>
    public string WorkerId { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    public int MaxConcurrentOrchestrations { get; set; } = Math.Max(2, Environment.ProcessorCount);

    public int MaxConcurrentActivities { get; set; } = Math.Max(8, Environment.ProcessorCount * 8);

    /// <summary>How long a lock on an instance or a task lasts unless renewed (database clock).</summary>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Upper bound on the wait between queue polls; LISTEN/NOTIFY wakes workers sooner.</summary>
    public TimeSpan PollFallbackInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest serialized input, output, event or custom status accepted, in bytes.</summary>
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How many times an orchestration step or an activity may be dequeued without finishing before
    /// it is declared poison and failed, instead of looping forever.
    /// </summary>
    public int MaxDequeueCount { get; set; } = 10;

    /// <summary>Most inbox messages applied in one orchestration step.</summary>
    public int MaxMessagesPerStep { get; set; } = 1000;

    /// <summary>How long StopAsync lets running activities finish after cancelling them.</summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    public DataConverter DataConverter { get; set; } = JsonDataConverter.Default;

    /// <summary>
    /// When true (the default), orchestration steps and activity results wait for the WAL flush
    /// before the worker moves on. When false they commit with <c>synchronous_commit=off</c>: a
    /// database crash can then lose the last fraction of a second of worker progress, which is
    /// redone (activities run again, results are still applied once), in exchange for several times
    /// the throughput on slow disks. Client calls (start, raise event, terminate) are always durable.
    /// Lease bookkeeping is always asynchronous, because a lost lease only means the work is retried.
    /// </summary>
    public bool WorkerSynchronousCommit { get; set; } = true;

    internal string SchemaName => "durable_" + TaskHubName.ToLowerInvariant();

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new InvalidOperationException("DurableTaskOptions.ConnectionString is empty: set it to the PostgreSQL store's connection string.");
        }

        if (!HubPattern().IsMatch(TaskHubName))
        {
            throw new InvalidOperationException(
                $"Task hub name '{TaskHubName}' is not valid: use 1 to 40 letters, digits or underscores, starting with a letter.");
        }

        if (LeaseTime < TimeSpan.FromSeconds(1))
        {
            throw new InvalidOperationException("DurableTaskOptions.LeaseTime must be at least one second.");
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,39}$")]
    private static partial Regex HubPattern();
}
