namespace BackupFunctions.Workflows.Configuration;

/// <summary>Section BackupFunctions:Restore: how restores run.</summary>
public sealed class RestoreSettings
{
    public const int MaxJobs = 64;

    /// <summary>
    /// pg_restore workers for a restore into a database the restore creates itself; 1 restores by
    /// streaming in one transaction. Null: one per core, at most 4.
    /// </summary>
    public int? Jobs { get; set; }

    public int EffectiveJobs => Jobs ?? Math.Clamp(Environment.ProcessorCount, 1, 4);

    public IEnumerable<string> Validate()
    {
        if (Jobs is < 1 or > MaxJobs)
        {
            yield return $"BackupFunctions:Restore:Jobs is {Jobs}: use 1 (streaming, one transaction) to {MaxJobs} parallel pg_restore workers, or leave it unset for one per core (at most 4).";
        }
    }
}
