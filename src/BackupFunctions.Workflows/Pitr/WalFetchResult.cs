namespace BackupFunctions.Workflows.Pitr;

/// <param name="ServedBy">The target the file came from, or "cache" when it was prefetched earlier.</param>
/// <param name="Prefetched">Following segments downloaded into the cache by this call.</param>
public sealed record WalFetchResult(string WalFile, string ServedBy, long Bytes, int Prefetched, TimeSpan Duration);
