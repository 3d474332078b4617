namespace BackupFunctions.Workflows.Catalog;

/// <summary>
/// One check of one backup's copy, as the catalog keeps it: a full read-back by the integrity check (kind
/// <see cref="FullRead"/>, result "intact" or "damaged") or a scheduled test restore (kind <see cref="TestRestore"/>, result
/// "succeeded" or "failed", target = the copy it was served by). <see cref="Detail"/> is the problem found, if any.
/// </summary>
public sealed record CatalogVerification(
    string Target,
    string Kind,
    string Result,
    bool Passed,
    DateTimeOffset At,
    string? Detail,
    string? InstanceId)
{
    public const string FullRead = "full-read";
    public const string TestRestore = "test-restore";
}
