namespace BackupFunctions.Workflows.Pitr;

/// <summary>The outcome of one <c>wal push</c>: durable when at least <see cref="Required"/> targets hold the file and none conflicts.</summary>
public sealed record WalPushResult(string WalFile, long PlainBytes, string PlainSha256, long StoredBytes, int Required,
    IReadOnlyList<WalTargetOutcome> Targets, TimeSpan Duration)
{
    public int DurableCopies => Targets.Count(t => t.Durable);

    public bool HasConflict => Targets.Any(t => t.Status == WalTargetStatus.Conflict);

    public bool Succeeded => !HasConflict && DurableCopies >= Required;
}
