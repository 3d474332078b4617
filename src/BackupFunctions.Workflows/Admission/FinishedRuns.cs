namespace BackupFunctions.Workflows.Admission;

/// <summary>Sorts slots into runs still going and runs that have ended, by asking the task hub.</summary>
public static class FinishedRuns
{
    /// <summary>
    /// A slot is taken before its orchestration is scheduled, so for a short while the hub does not know it yet; only
    /// an unknown run older than this is taken as a start that failed (or a purged instance).
    /// </summary>
    public static readonly TimeSpan StartGrace = TimeSpan.FromMinutes(2);

    public static async Task<(List<string> Running, List<string> Ended)> SortAsync(
        IEnumerable<AdmissionSlot> slots, RunStateProbe probe, CancellationToken ct)
    {
        var running = new List<string>();
        var ended = new List<string>();
        foreach (var slot in slots)
        {
            var state = await probe(slot.InstanceId, ct);
            if (state == RunState.Finished || (state == RunState.Unknown && slot.Age > StartGrace))
            {
                ended.Add(slot.InstanceId);
            }
            else
            {
                running.Add(slot.InstanceId);
            }
        }

        return (running, ended);
    }
}
