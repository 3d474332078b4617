using BackupFunctions.Workflows.Admission;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Functions.Admission;

/// <summary>
/// Renews the per-database admission slots of running backups and frees those of ended (also terminated) runs, once
/// a minute: the Functions host's timer is a singleton, so one instance of the app does it. The lease
/// (BackupFunctions:Admission:Lease, 5 minutes) must outlast a few missed minutes; if the whole app is down nothing
/// renews and the slots run out.
/// </summary>
public sealed class AdmissionLeaseFunctions(AdmissionLeaseKeeper keeper, BackupAdmission admission, ILogger<AdmissionLeaseFunctions> logger)
{
    [Function("AdmissionLeaseTimer")]
    public async Task AdmissionLeaseTimer([TimerTrigger("0 * * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        if (!admission.Enabled)
        {
            return;
        }

        var (renewed, released) = await keeper.RunOnceAsync(DurableRunStates.Probe(client), context.CancellationToken);
        logger.LogDebug("Admission leases: {Renewed} renewed, {Released} released.", renewed, released);
    }
}
