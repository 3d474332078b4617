namespace BackupFunctions.Workflows.Pitr;

/// <summary>What one WAL push did on one target.</summary>
public enum WalTargetStatus
{
    /// <summary>Uploaded now (artifact, then its record).</summary>
    Stored,
    /// <summary>The target already held this WAL file with the same SHA-256: nothing written.</summary>
    AlreadyArchived,
    /// <summary>The target holds a different file under this name: nothing written, the push fails.</summary>
    Conflict,
    /// <summary>The upload failed (target unreachable, ...).</summary>
    Failed,
}

/// <param name="Error">Why it failed or conflicts, for a person; null when it is durable.</param>
public sealed record WalTargetOutcome(string Target, WalTargetStatus Status, string? Error = null)
{
    public bool Durable => Status is WalTargetStatus.Stored or WalTargetStatus.AlreadyArchived;
}
