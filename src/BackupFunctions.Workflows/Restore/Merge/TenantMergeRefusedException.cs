namespace BackupFunctions.Workflows.Restore.Merge;

/// <summary>
/// A merge that must not run, found before anything was changed: not a tenant backup, no such
/// database, a table the target lacks, or rows of the tenant already there. Retrying cannot help.
/// </summary>
public sealed class TenantMergeRefusedException(string message) : InvalidOperationException(message);
