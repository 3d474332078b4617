namespace BackupFunctions.Workflows.Admission;

/// <summary>
/// One pass over the live slots, run by every host every third of the lease: renew the slots of runs the task hub
/// still has going, free those that ended however they ended (completed, failed, terminated: a terminated
/// orchestration runs no code of its own, so its slot is freed here). A slot nobody renews runs out.
/// </summary>
public sealed class AdmissionLeaseKeeper(AdmissionStore store)
{
    public TimeSpan Interval => store.Options.Lease / 3;

    public async Task<(int Renewed, int Released)> RunOnceAsync(RunStateProbe probe, CancellationToken ct)
    {
        var slots = await store.LiveSlotsAsync(ct);
        var (running, ended) = await FinishedRuns.SortAsync(slots, probe, ct);
        await store.RenewAsync(running, ct);
        await store.ReleaseAsync(ended, ct);
        return (running.Count, ended.Count);
    }
}
