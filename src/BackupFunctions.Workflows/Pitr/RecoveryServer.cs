using System.Diagnostics;
using Npgsql;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>Starts the server of a laid-down data directory and waits until recovery reached its target and it promoted.</summary>
public static class RecoveryServer
{
    /// <summary>
    /// Starts the server on 127.0.0.1:<paramref name="port"/> and polls until it is out of recovery. A server that stops on
    /// its own (recovery target not reached, a segment that wal fetch could not give) fails with the log lines that say why.
    /// </summary>
    public static async Task StartAndWaitAsync(BackupEnvironment env, PgCtl pgCtl, int port, TimeSpan timeout, CancellationToken ct)
    {
        // Already running: a retried attempt after the first one started it (a base backup never holds postmaster.pid); wait on it.
        if (!pgCtl.IsRunning) await pgCtl.StartAsync(port, ct);
        var connectionString = ConnectionString(env, port, "postgres");
        var deadline = Stopwatch.StartNew();
        var sawPid = false;
        while (deadline.Elapsed < timeout)
        {
            ct.ThrowIfCancellationRequested();
            if (pgCtl.IsRunning) sawPid = true;
            else if (sawPid || deadline.Elapsed > TimeSpan.FromSeconds(15))
                throw new PitrException($"The restored server stopped during recovery. Its log:\n{pgCtl.LogTail()}");

            try
            {
                await using var conn = new NpgsqlConnection(connectionString);
                await conn.OpenAsync(ct);
                await using var cmd = new NpgsqlCommand("SELECT pg_is_in_recovery()", conn);
                if (!(bool)(await cmd.ExecuteScalarAsync(ct))!) return;
            }
            catch (NpgsqlException)
            {
                // Starting up or not yet consistent: connections are refused until then.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
        }

        throw new PitrException($"Recovery did not finish within {timeout.TotalMinutes:F0} minutes; the server is left running. Its log:\n{pgCtl.LogTail()}");
    }

    /// <summary>The restored server, as the source's role (the restore holds the source's roles and passwords).</summary>
    public static string ConnectionString(BackupEnvironment env, int port, string database)
    {
        var source = env.Source();
        return new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = source.Username,
            Password = source.Password,
            Database = database,
            Pooling = false,
            Timeout = 5,
        }.ConnectionString;
    }
}
