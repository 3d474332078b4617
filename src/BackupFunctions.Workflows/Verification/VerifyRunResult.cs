namespace BackupFunctions.Workflows.Verification;

public sealed record VerifyRunResult(string BackupId, IReadOnlyList<CopyCheck> Copies)
{
    public bool AllIntact => Copies.Count > 0 && Copies.All(c => c.Intact);
}
