namespace BackupFunctions.Workflows.Operations;

public enum BackupRunStatus
{
    /// <summary>Every requested target holds a verified copy.</summary>
    Succeeded,

    /// <summary>At least one target holds a verified copy, and at least one does not.</summary>
    Partial,

    /// <summary>No target holds a verified copy.</summary>
    Failed,
}
