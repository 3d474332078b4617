using System.Globalization;
using System.Text;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>
/// What turns a laid-down base backup into a recovery: recovery.signal, and settings appended to
/// postgresql.auto.conf (read last, so they win over the backup's own postgresql.conf).
/// </summary>
public static class RecoveryConfig
{
    public static void Write(string dataDirectory, string restoreCommand, DateTimeOffset? targetTime)
    {
        File.WriteAllText(Path.Combine(dataDirectory, "recovery.signal"), "");
        var sb = new StringBuilder();
        sb.AppendLine();
        sb.AppendLine("# Written by backupctl restore --pitr: point-in-time recovery from the WAL archive.");
        sb.AppendLine($"restore_command = {Quote(restoreCommand)}");
        if (targetTime is { } t)
        {
            sb.AppendLine($"recovery_target_time = {Quote(t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff'+00'", CultureInfo.InvariantCulture))}");
            sb.AppendLine("recovery_target_inclusive = on");
        }

        sb.AppendLine("recovery_target_timeline = 'latest'");
        sb.AppendLine("recovery_target_action = 'promote'");
        // A restored copy must not archive into the archive it came from (its new timeline would
        // mingle with the source's); turn archiving back on once it is meant to become the primary.
        sb.AppendLine("archive_mode = 'off'");
        File.AppendAllText(Path.Combine(dataDirectory, "postgresql.auto.conf"), sb.ToString());
    }

    /// <summary>A postgresql.conf string literal.</summary>
    public static string Quote(string value) => "'" + value.Replace("\\", "\\\\").Replace("'", "''") + "'";

    /// <summary>A POSIX shell word (restore_command is run by /bin/sh).</summary>
    public static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''") + "'";
}
