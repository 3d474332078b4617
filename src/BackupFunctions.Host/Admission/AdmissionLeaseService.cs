using BackupFunctions.Host.Logging;
using BackupFunctions.Workflows.Admission;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Admission;

/// <summary>
/// Keeps the admission slots of running backups held and frees those of ended ones, every third of the lease, on every
/// host (each pass is idempotent, so several hosts doing it is harmless). When every host is gone nobody renews, and
/// the slots run out after the lease.
/// </summary>
internal sealed class AdmissionLeaseService(
    AdmissionLeaseKeeper keeper, BackupAdmission admission, DurableTaskClient client, ILogger<AdmissionLeaseService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!admission.Enabled)
        {
            return;
        }

        var probe = DurableRunStates.Probe(client);
        using var timer = new PeriodicTimer(keeper.Interval);
        do
        {
            try
            {
                var (renewed, released) = await keeper.RunOnceAsync(probe, stoppingToken);
                Log.AdmissionLeasesKept(logger, renewed, released);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The control database or the hub is away for now; the leases outlast a few missed passes.
                Log.AdmissionLeasesNotKept(logger, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
