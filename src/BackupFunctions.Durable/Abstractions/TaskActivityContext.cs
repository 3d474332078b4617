namespace BackupFunctions.Durable;

/// <summary>What an activity knows about its invocation.</summary>
public abstract class TaskActivityContext
{
    public abstract string Name { get; }

    public abstract string InstanceId { get; }

    /// <summary>1 for the first attempt; counts retries made by the orchestration's RetryPolicy.</summary>
    public abstract int Attempt { get; }

    /// <summary>When the orchestration scheduled this run (database clock).</summary>
    public abstract DateTimeOffset ScheduledAt { get; }

    /// <summary>Fires when the host shuts down or this worker lost the lease on the task.</summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>
    /// Renews the lease and stores <paramref name="progress"/>. A later attempt of the same call
    /// (a retry, or a re-run after a crash) reads it back with <see cref="GetLastProgress{T}"/>.
    /// </summary>
    public abstract Task HeartbeatAsync(object? progress = null, CancellationToken cancellationToken = default);

    /// <summary>The progress stored by the last heartbeat of this call (any attempt), or default.</summary>
    public abstract T? GetLastProgress<T>();
}
