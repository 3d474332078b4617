using BackupFunctions.Pipeline.Processes;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>
/// Starts pg_basebackup writing one tar of the data directory to stdout (<c>-D - -Ft -X none</c>:
/// the WAL comes from the archive). It runs through <see cref="PgToolRunner"/> like every other client
/// program, so it gets the same allow-listed environment, password in PGPASSWORD, connect timeout and
/// stderr classification (a "pg_basebackup: error:" line fails the run whatever the exit code).
/// </summary>
public static class PgBaseBackupProcess
{
    public const string ApplicationName = "backupfunctions-basebackup";

    /// <param name="client">The client matching the server's major version (pg_basebackup refuses other majors).</param>
    public static PgToolProcess Start(PgToolRunner runner, PgClientInstallation client, PgConnectionInfo source, string label)
    {
        if (!client.Has(PgTool.PgBaseBackup))
            throw new PitrException($"{client.PathOf(PgTool.PgBaseBackup)} does not exist: install the PostgreSQL client of the server's major version, or set BackupFunctions:Source:PgBinDirectory.");
        // A replication connection ignores the database; the application name shows it in pg_stat_replication.
        return runner.Start(PgTool.PgBaseBackup, source with { ApplicationName = ApplicationName },
            ["--pgdata=-", "--format=tar", "--wal-method=none", "--checkpoint=fast", "--label=" + label], client: client);
    }
}
