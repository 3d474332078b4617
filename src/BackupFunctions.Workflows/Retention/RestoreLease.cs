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
    public static Task<T> HoldingAsync<T>(IRetentionLedger? ledger, string backupId, string holder, TimeSpan duration, ILogger logger,
        Func<Task<T>> work, CancellationToken ct) =>
        HoldingAsync(ledger, backupId, holder, duration, logger, async taken =>
        {
            await taken;
            return await work();
        }, ct);

    /// <summary>
    /// The same, with the lease taken while <paramref name="work"/> prepares (a restore creates its database and roles
    /// meanwhile): <paramref name="work"/> is given the moment the lease was taken, or could not be, and waits for it before
    /// it reads the backup. That task never fails.
    /// </summary>
    public static async Task<T> HoldingAsync<T>(IRetentionLedger? ledger, string backupId, string holder, TimeSpan duration, ILogger logger,
        Func<Task, Task<T>> work, CancellationToken ct)
    {
        var taking = TakeAsync(ledger, backupId, holder, duration, logger, ct);
        try
        {
            return await work(taking);
        }
        finally
        {
            if (await taking is { } id)
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

    private static async Task<long?> TakeAsync(IRetentionLedger? ledger, string backupId, string holder, TimeSpan duration, ILogger logger,
        CancellationToken ct)
    {
        if (ledger is null)
        {
            return null;
        }

        try
        {
            return await ledger.AcquireRestoreLeaseAsync(backupId, holder, duration, ct);
        }
        catch (OperationCanceledException)
        {
            // The restore was cancelled too; it reports that itself.
            return null;
        }
        catch (Exception e)
        {
            logger.LogWarning("Could not take a restore lease on backup {BackupId}; retention may delete it meanwhile: {Error}", backupId, e.Message);
            return null;
        }
    }
}
