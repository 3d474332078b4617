namespace BackupFunctions.Workflows.Admission;

/// <summary>
/// How many backups of one database may be admitted and unfinished at once, across every host that shares the control
/// database (BackupFunctions:Admission, docs/http-api.md "Admission"). Schedules are not refused: their runs count.
/// </summary>
public sealed class AdmissionOptions
{
    /// <summary>Admitted and unfinished backup runs per database; a manual start beyond it gets 429. 0 turns the limit off.</summary>
    public int MaxRunsPerDatabase { get; set; } = 2;

    /// <summary>
    /// How long a slot holds without renewal. Live hosts renew the slots of runs the task hub still has running every
    /// third of this, so only a slot no host renews (every host gone) runs out: a crash never blocks a database longer.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>What a refused request is told to wait (the Retry-After header of the 429).</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<string> Validate()
    {
        if (MaxRunsPerDatabase < 0)
        {
            yield return "BackupFunctions:Admission:MaxRunsPerDatabase must be 0 (no limit) or more.";
        }

        if (Lease < TimeSpan.FromSeconds(1))
        {
            yield return "BackupFunctions:Admission:Lease must be at least one second (e.g. \"00:05:00\").";
        }

        if (RetryAfter < TimeSpan.FromSeconds(1))
        {
            yield return "BackupFunctions:Admission:RetryAfter must be at least one second (e.g. \"00:00:30\").";
        }
    }
}
