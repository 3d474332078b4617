namespace BackupFunctions.Workflows.Pitr;

/// <summary>
/// The WAL file is archived, but no target gave back a good copy (damaged, wrong hash, wrong key,
/// unreachable). Unlike "not archived", recovery must stop here: ending it early would silently
/// lose every transaction after this point.
/// </summary>
public sealed class WalFetchFailedException(string walFile, IReadOnlyList<string> errors)
    : Exception($"{walFile} is archived but no target gave a good copy: {string.Join("; ", errors)}")
{
    public string WalFile { get; } = walFile;

    public IReadOnlyList<string> Errors { get; } = errors;
}
