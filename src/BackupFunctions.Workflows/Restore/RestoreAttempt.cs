namespace BackupFunctions.Workflows.Restore;

/// <summary>One try at restoring from one target; failed tries say why, so a person sees the fallback.</summary>
public sealed record RestoreAttempt(string Target, bool Succeeded, string? Error, TimeSpan Duration)
{
    /// <summary>
    /// The target served bytes that failed the checks (hash, chunk authentication): the copy is damaged, which is a
    /// different alarm from a target that could not be read (see docs/cli.md, exit code 4).
    /// </summary>
    public bool Damaged { get; init; }
}
