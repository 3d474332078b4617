using Microsoft.Extensions.Logging;

namespace BackupFunctions.Workflows.Retention;

/// <summary>
/// Holds a backup against retention while a restore reads it: a row in the catalog's restore_leases, seen by every
/// host's retention, released when the restore ends and expiring by itself if the restoring process dies.
/// </summary>
public static class RestoreLease
{
    /// <summary>
    /// Runs <paramref name="work"/> under a lease on <paramref name="backupId"/>. A lease that cannot be taken (the control
    /// database is down) is logged and the restore goes on: a restore matters more than the rare race with retention,
    /// and a copy deleted under it makes the restore fall back to another target.
    /// </summary>
    public static async Task<T> HoldingAsync<T>(IRetentionLedger? ledger, string backupId, string holder, TimeSpan duration, ILogger logger,
        Func<Task<T>> work, CancellationToken ct)
    {
        long? lease = null;
        if (ledger is not null)
        {
            try
            {
                lease = await ledger.AcquireRestoreLeaseAsync(backupId, holder, duration, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Could not take a restore lease on backup {BackupId}; retention may delete it meanwhile: {Error}", backupId, e.Message);
            }
        }

        try
        {
            return await work();
        }
        finally
        {
            if (lease is { } id)
            {
                try
                {
                    await ledger!.ReleaseRestoreLeaseAsync(id, CancellationToken.None);
                }
                catch (Exception e)
                {
                    logger.LogWarning("Could not release restore lease {LeaseId}; it expires by itself: {Error}", id, e.Message);
                }
            }
        }
    }
}
