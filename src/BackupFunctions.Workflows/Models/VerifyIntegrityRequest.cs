namespace BackupFunctions.Workflows.Models;

/// <summary>
/// What an integrity run covers: with <see cref="BackupId"/>, every copy of that backup is read back whole; without it
/// (the hourly schedule), the rotating slice of all copies plus a cheap check of the rest (docs/integrity.md).
/// </summary>
public sealed record VerifyIntegrityRequest(string? BackupId = null);

/// <param name="CopiesChecked">Copies read back whole this run.</param>
/// <param name="Intact">Of those, how many hashed to their manifest with a valid manifest beside them (after repair, if repaired).</param>
/// <param name="Damaged">"backupId@target" of every copy found damaged (missing, wrong bytes, bad manifest), repaired or not.</param>
/// <param name="Unreachable">"backupId@target" of copies whose target could not be read: unknown, not damaged.</param>
public sealed record IntegritySummary(int CopiesChecked, int Intact, IReadOnlyList<string> Damaged, IReadOnlyList<string> Unreachable)
{
    /// <summary>Damaged copies re-uploaded from a confirmed good copy and verified after it.</summary>
    public IReadOnlyList<string> Repaired { get; init; } = [];

    /// <summary>Damaged copies left as they are, each with the reason (no good copy elsewhere, or the repair failed); their alerts stay open.</summary>
    public IReadOnlyList<string> NotRepaired { get; init; } = [];

    /// <summary>Copies given only the cheap check (stat) this run.</summary>
    public int StatChecked { get; init; }

    /// <summary>The rotation's slice size this run (ceil(copies / runs per period)).</summary>
    public int SliceSize { get; init; }
}
