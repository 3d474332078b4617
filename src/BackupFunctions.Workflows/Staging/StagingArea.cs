using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace BackupFunctions.Workflows.Staging;

/// <summary>
/// The staging directory: where dumps are written before upload and checked restore files wait for
/// pg_restore. Someone who can write to it can swap a file between our check and pg_restore's open,
/// so it must be ours alone: created 0700, and an existing one that another user owns, or that group
/// or others may write to, is refused.
/// <para>
/// At the first use in a process, leftovers of killed runs are swept: scratch files only we name
/// (<c>*.bfa.partial</c>, <c>dump-*.d</c>, <c>restore-*.dump</c>, <c>restore-*.d</c>, <c>merge-*</c>), and
/// only when no other process uses the directory: each process holds a shared lock on
/// <c>.backupfunctions.lock</c> while it lives, and the sweep needs the exclusive one. Finished staging
/// files (<c>&lt;backupId&gt;.bfa</c>) are left alone: a backup orchestration that resumes after a crash
/// uploads from them, and its CleanupStaging step removes them.
/// </para>
/// </summary>
public static partial class StagingArea
{
    public const string LockFileName = ".backupfunctions.lock";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Locks this process holds, one per directory, for as long as it lives.</summary>
    private static readonly ConcurrentDictionary<string, FileStream> Held = new(StringComparer.Ordinal);

    /// <summary>
    /// The default: $XDG_STATE_HOME/backupfunctions/staging, else ~/.local/state/backupfunctions/staging:
    /// under the account's own home, not in the shared /tmp.
    /// </summary>
    public static string DefaultDirectory()
    {
        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        if (string.IsNullOrWhiteSpace(state) || !Path.IsPathRooted(state))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            state = Path.Combine(string.IsNullOrEmpty(home) ? Path.GetTempPath() : home, ".local", "state");
        }

        return Path.Combine(state, "backupfunctions", "staging");
    }

    /// <summary>
    /// Creates the directory (0700) or checks the existing one, and, the first time in this process,
    /// sweeps what killed runs left. Returns the names swept (empty after the first call).
    /// </summary>
    public static IReadOnlyList<string> Prepare(string directory, DateTime? runStartUtc = null)
    {
        var full = Path.GetFullPath(directory);
        if (Held.ContainsKey(full))
        {
            return [];
        }

        CreateOrCheck(full);
        lock (Held)
        {
            if (Held.ContainsKey(full))
            {
                return [];
            }

            var swept = TrySweep(full, runStartUtc ?? DateTime.UtcNow);
            Held[full] = HoldShared(full);
            return swept;
        }
    }

    /// <summary>Refuses a directory others could write to or that another user owns; creates a missing one 0700.</summary>
    public static void CreateOrCheck(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, OwnerOnly);
            // Parents that had to be made get the same mode; the directory itself must be 0700 whatever the umask.
            File.SetUnixFileMode(directory, OwnerOnly);
        }

        var mode = File.GetUnixFileMode(directory);
        if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new InvalidOperationException(
                $"The staging directory '{directory}' can be written by other users (mode 0{Convert.ToString((int)mode & 0x1FF, 8)}): one of them could swap a file " +
                $"between its check and pg_restore. Use a directory only this account can write (chmod 700 '{directory}'), or set BackupFunctions:StagingDirectory to one.");
        }

        if (FileOwner.OwnerOf(directory) is { } owner && FileOwner.CurrentUser() is { } me && owner != me)
        {
            throw new InvalidOperationException(
                $"The staging directory '{directory}' belongs to another user (uid {owner}; this process runs as uid {me}): they could swap its files. " +
                "Remove it, or set BackupFunctions:StagingDirectory to a directory this account owns.");
        }
    }

    /// <summary>Whether a top-level name in the staging directory is a scratch file of ours that no run can resume.</summary>
    public static bool IsLeftover(string name) => LeftoverPattern().IsMatch(name);

    private static List<string> TrySweep(string directory, DateTime runStartUtc)
    {
        var swept = new List<string>();
        FileStream exclusive;
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            // FileShare.None is flock(LOCK_EX) on Unix: it fails while any other process holds its shared lock.
            exclusive = new FileStream(Path.Combine(directory, LockFileName), options);
        }
        catch (IOException)
        {
            // Another process is using the directory: its scratch files may be live.
            return swept;
        }

        using (exclusive)
        {
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
            {
                if (!IsLeftover(entry.Name) || entry.LastWriteTimeUtc >= runStartUtc)
                {
                    continue;
                }

                try
                {
                    if (entry is DirectoryInfo d) d.Delete(recursive: true);
                    else entry.Delete();
                    swept.Add(entry.Name);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Left for the next start; nothing depends on it.
                }
            }
        }

        return swept;
    }

    /// <summary>The shared lock that tells other processes' sweeps this directory is in use.</summary>
    private static FileStream HoldShared(string directory)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                // Read-only with sharing is flock(LOCK_SH): many processes hold it at once; it blocks only a sweep.
                return new FileStream(Path.Combine(directory, LockFileName), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            }
            catch (IOException) when (attempt < 50)
            {
                // Another process holds the exclusive lock for its sweep, which is short.
                Thread.Sleep(100);
            }
        }
    }

    [GeneratedRegex(@"^(?:.+\.bfa\.partial|dump-[0-9a-f]{32}\.d|restore-[0-9a-f]{32}\.(?:dump|d)|merge-[0-9a-f]{32})$")]
    private static partial Regex LeftoverPattern();
}
