namespace BackupFunctions.Targets;

/// <summary>
/// A backend that can create its own bucket, container or directory. Kept apart from
/// <see cref="IBackupTarget"/>: backups never create storage implicitly (a typo in a bucket name
/// must fail, not fill a new bucket); only an explicit "targets init" does.
/// </summary>
public interface IProvisionableTarget
{
    /// <summary>Creates the storage when missing; returns true when it was created now.</summary>
    Task<bool> EnsureExistsAsync(CancellationToken ct = default);
}
