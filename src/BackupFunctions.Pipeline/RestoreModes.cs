namespace BackupFunctions.Pipeline;

/// <summary>The values of <see cref="RestoreResult.Mode"/>.</summary>
public static class RestoreModes
{
    public const string StreamSingleTransaction = "stream, single transaction";
    public const string Stream = "stream";
    public const string Filtered = "stream, SET filter, psql single transaction";
    /// <summary>Offsets could not be added: the staged file was restored by one pg_restore in one transaction.</summary>
    public const string FileSingleTransaction = "staged file, single transaction";

    public static string Parallel(int jobs) => $"parallel -j {jobs}";
}
