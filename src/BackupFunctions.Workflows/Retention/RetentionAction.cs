namespace BackupFunctions.Workflows.Retention;

/// <summary>What retention does with one copy.</summary>
public enum RetentionAction
{
    /// <summary>A rule or an invariant keeps it.</summary>
    Keep,

    /// <summary>No rule keeps it: the artifact, then the manifest, are deleted.</summary>
    Delete,

    /// <summary>It would be deleted, but the target locks it (immutability): skipped until the lock ends. Not an error.</summary>
    Locked,
}
