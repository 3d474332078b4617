namespace BackupFunctions.Workflows.Verification;

public sealed record VerifyRunResult(string BackupId, IReadOnlyList<CopyCheck> Copies)
{
    /// <summary>False for a backup written before manifests were signed: its copies were checked, its manifest cannot be.</summary>
    public bool Signed { get; init; } = true;

    public bool AllIntact => Copies.Count > 0 && Copies.All(c => c.Intact);
}
