namespace BackupFunctions.Workflows.Admission;

/// <summary>What the task hub says about the run that holds a slot.</summary>
public enum RunState
{
    /// <summary>Pending, running or suspended: the slot stays taken.</summary>
    Running,

    /// <summary>Completed, failed or terminated: the slot is free.</summary>
    Finished,

    /// <summary>The hub does not know the instance (not started yet, a failed start, or purged).</summary>
    Unknown,
}

/// <summary>Looks a run up in the task hub; each host adapts its own durable client.</summary>
public delegate Task<RunState> RunStateProbe(string instanceId, CancellationToken ct);
