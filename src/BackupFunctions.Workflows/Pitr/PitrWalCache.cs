namespace BackupFunctions.Workflows.Pitr;

/// <summary>
/// The prefetch cache of one restore's <c>wal fetch</c>: beside the data directory (not in it, so a later base backup of
/// the restored server does not carry it), owned by the user that runs the server, deleted when recovery is over.
/// </summary>
public static class PitrWalCache
{
    public static string PathFor(string dataDirectory) => Path.GetFullPath(dataDirectory).TrimEnd('/') + ".walcache";

    public static async Task CreateAsync(string dataDirectory, string? runAsUser, CancellationToken ct)
    {
        var cache = PathFor(dataDirectory);
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(cache);
        else Directory.CreateDirectory(cache, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (runAsUser is not null) await PgCtl.ChownAsync(runAsUser, cache, ct);
    }

    public static void Delete(string dataDirectory)
    {
        var cache = PathFor(dataDirectory);
        if (Directory.Exists(cache)) Directory.Delete(cache, recursive: true);
    }

    /// <summary>restore_command: <paramref name="walFetch"/> (backupctl wal fetch with its settings) into this restore's cache.</summary>
    public static string RestoreCommand(string walFetch, string dataDirectory) =>
        $"{walFetch} --cache-dir {RecoveryConfig.ShellQuote(PathFor(dataDirectory))} \"%f\" \"%p\"";
}
