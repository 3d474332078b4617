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

    /// <summary>
    /// The directory under which POST /api/restores may restore a files backup (its targetDirectory is taken below this).
    /// Unset: files restores through the API are refused; <c>backupctl restore --to-dir</c> is not limited by it.
    /// </summary>
    public string? FilesDirectory { get; set; }

    /// <summary>Where a files restore of <paramref name="requested"/> goes: below <see cref="FilesDirectory"/>, or a clear refusal.</summary>
    public string FilesRestorePath(string requested)
    {
        if (string.IsNullOrWhiteSpace(FilesDirectory))
        {
            throw new ArgumentException("Files restores through the API are off: set BackupFunctions:Restore:FilesDirectory to the directory they may write below, or use 'backupctl restore <id> --to-dir DIR' on the host.");
        }

        var root = Path.GetFullPath(FilesDirectory);
        var path = Path.GetFullPath(Path.Combine(root, requested));
        if (!path.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"targetDirectory '{requested}' is not below BackupFunctions:Restore:FilesDirectory ('{root}').");
        }

        return path;
    }

    public int EffectiveJobs => Jobs ?? Math.Clamp(Environment.ProcessorCount, 1, 4);

    public IEnumerable<string> Validate()
    {
        if (Jobs is < 1 or > MaxJobs)
        {
            yield return $"BackupFunctions:Restore:Jobs is {Jobs}: use 1 (streaming, one transaction) to {MaxJobs} parallel pg_restore workers, or leave it unset for one per core (at most 4).";
        }
    }
}
