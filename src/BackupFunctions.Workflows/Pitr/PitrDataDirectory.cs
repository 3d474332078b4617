namespace BackupFunctions.Workflows.Pitr;

/// <summary>
/// The new data directory of a PITR restore: refused unless new or empty, then filled with the chosen base backup. What a
/// failed lay-down wrote is removed again (it was empty before), so a retry starts from an empty directory.
/// </summary>
public static class PitrDataDirectory
{
    public static void EnsureEmpty(string dataDirectory)
    {
        if (Directory.Exists(dataDirectory) && Directory.EnumerateFileSystemEntries(dataDirectory).Any())
            throw new PitrException($"{dataDirectory} is not empty; a PITR restore writes only into a new or empty directory, never over existing data.");
    }

    /// <summary>Untars <paramref name="manifest"/>'s base backup into the empty <paramref name="dataDirectory"/>; returns the target that served it.</summary>
    public static async Task<string> LayDownAsync(BackupEnvironment env, BaseBackupManifest manifest, string dataDirectory, string? runAsUser, CancellationToken ct)
    {
        EnsureEmpty(dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        try
        {
            var servedBy = await BaseBackupExtractor.ExtractAsync(env, manifest, dataDirectory, ct);
            await new PgCtl(BinDirectory(env, manifest), dataDirectory, runAsUser).PrepareOwnershipAsync(ct);
            return servedBy;
        }
        catch
        {
            // Only what this lay-down wrote: the directory was checked empty above.
            foreach (var entry in new DirectoryInfo(dataDirectory).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo dir) dir.Delete(recursive: true);
                else entry.Delete();
            }

            throw;
        }
    }

    /// <summary>recovery.signal and the recovery settings (<see cref="RecoveryConfig"/>), owned by the user that runs the server.</summary>
    public static async Task WriteRecoverySettingsAsync(string dataDirectory, string restoreCommand, DateTimeOffset? targetTime, string? runAsUser, CancellationToken ct)
    {
        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
            throw new PitrException($"{dataDirectory} holds no laid-down base backup (no PG_VERSION); lay one down before writing the recovery settings.");
        RecoveryConfig.Write(dataDirectory, restoreCommand, targetTime);
        if (runAsUser is not null)
        {
            await PgCtl.ChownAsync(runAsUser, Path.Combine(dataDirectory, "recovery.signal"), ct);
            await PgCtl.ChownAsync(runAsUser, Path.Combine(dataDirectory, "postgresql.auto.conf"), ct);
        }
    }

    /// <summary>The server programs (pg_ctl) of the base backup's major version: a data directory starts only under its own major.</summary>
    public static string BinDirectory(BackupEnvironment env, BaseBackupManifest manifest) =>
        BinDirectory(env, manifest.ServerVersionNum / 10000);

    public static string BinDirectory(BackupEnvironment env, int major) =>
        env.Tools.Locator.ForServer(major)?.BinDirectory
        ?? throw new PitrException($"No PostgreSQL {major} server programs found (pg_ctl); the base backup needs the same major version.");
}
