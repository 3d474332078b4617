using System.Diagnostics;
using Npgsql;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>
/// backupctl restore --pitr: pick the newest base backup complete before the target, lay it down in
/// an empty directory, write the recovery settings (restore_command = backupctl wal fetch), start the
/// server, wait until recovery reached the target and promoted, then report what the server holds.
/// The server is left running for the operator (or stopped with <c>stopAfter</c>).
/// </summary>
public sealed class PitrRestoreRunner(BackupEnvironment env)
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

    public async Task<PitrRestoreResult> RunAsync(PitrRestoreRequest request, IProgress<string>? progress = null, bool stopAfter = false,
        CancellationToken ct = default)
    {
        var dataDirectory = Path.GetFullPath(request.DataDirectory);
        if (Directory.Exists(dataDirectory) && Directory.EnumerateFileSystemEntries(dataDirectory).Any())
            throw new PitrException($"{dataDirectory} is not empty; a PITR restore writes only into a new or empty directory, never over existing data.");
        if (request.TargetTime is { } t && t > DateTimeOffset.UtcNow)
            throw new PitrException($"The recovery target {t:yyyy-MM-dd'T'HH:mm:ss'Z'} is in the future; use --pitr latest to recover everything archived.");

        var backups = await BaseBackupCatalog.ListAsync(env, ct);
        var chosen = BaseBackupCatalog.Choose(backups, request.TargetTime);
        progress?.Report($"base backup {chosen.BackupId} (complete at {chosen.CompletedAt:HH:mm:ss.fff}Z, WAL from {chosen.StartWalFile})");

        var layDown = Stopwatch.StartNew();
        Directory.CreateDirectory(dataDirectory);
        var servedBy = await BaseBackupExtractor.ExtractAsync(env, chosen, dataDirectory, ct);
        RecoveryConfig.Write(dataDirectory, request.RestoreCommand, request.TargetTime);
        var bin = env.Tools.Locator.ForServer(chosen.ServerVersionNum / 10000)?.BinDirectory
            ?? throw new PitrException($"No PostgreSQL {chosen.ServerVersionNum / 10000} server programs found (pg_ctl); the base backup needs the same major version.");
        var pgCtl = new PgCtl(bin, dataDirectory, request.RunAsUser);
        await pgCtl.PrepareOwnershipAsync(ct);
        layDown.Stop();
        progress?.Report($"laid down from {servedBy} in {layDown.Elapsed.TotalSeconds:F1} s; starting the server on port {request.Port}");

        var recovery = Stopwatch.StartNew();
        await pgCtl.StartAsync(request.Port, ct);
        var connectionString = ConnectionString(request.Port, "postgres");
        try
        {
            await WaitForPromotionAsync(pgCtl, connectionString, request.Timeout ?? DefaultTimeout, ct);
            recovery.Stop();
            progress?.Report($"recovery finished and promoted in {recovery.Elapsed.TotalSeconds:F1} s");
            var database = env.Source().Database;
            var (lastReplay, timeline) = await ReadStateAsync(connectionString, ct);
            if (request.TargetTime is null)
            {
                var unreplayed = await WalArchiveGap.UnreplayedAsync(env, dataDirectory, timeline, ct);
                if (unreplayed.Count > 0)
                    throw new PitrException(
                        $"Recovery to latest ended before {unreplayed.Count} archived segment(s) of the old timeline ({unreplayed[0]} … {unreplayed[^1]}): " +
                        "a segment between is missing or unreadable in every target, so the restored server lacks every transaction after that point. " +
                        $"It is running on 127.0.0.1:{request.Port} for inspection; find the missing segment (another copy of the archive) or restore to a time before the gap.");
            }

            var counts = await CountRowsAsync(ConnectionString(request.Port, database), ct);
            return new PitrRestoreResult(chosen.BackupId, servedBy, request.TargetTime, dataDirectory, request.Port, lastReplay, timeline,
                database, counts, layDown.Elapsed, recovery.Elapsed);
        }
        catch (Exception e) when (e is not PitrException and not OperationCanceledException)
        {
            throw new PitrException($"The restored server did not come up: {e.Message}\n{pgCtl.LogTail()}", e);
        }
        finally
        {
            if (stopAfter && pgCtl.IsRunning)
            {
                try { await pgCtl.StopAsync(CancellationToken.None); }
                catch (PitrException) { /* reported above or harmless: the data directory stays for inspection */ }
            }
        }
    }

    private string ConnectionString(int port, string database)
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

    /// <summary>
    /// Polls until the server is out of recovery. A server that stops on its own (recovery target not
    /// reached, a segment that wal fetch could not give) fails with the log lines that say why.
    /// </summary>
    private static async Task WaitForPromotionAsync(PgCtl pgCtl, string connectionString, TimeSpan timeout, CancellationToken ct)
    {
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

    private static async Task<(DateTimeOffset? LastReplay, int Timeline)> ReadStateAsync(string connectionString, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        // The timeline from the current WAL file's name: pg_control's checkpoint may still be the pre-promotion one.
        await using var cmd = new NpgsqlCommand("SELECT pg_last_xact_replay_timestamp(), pg_walfile_name(pg_current_wal_lsn())", conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        DateTimeOffset? last = reader.IsDBNull(0) ? null : new DateTimeOffset(reader.GetDateTime(0).ToUniversalTime(), TimeSpan.Zero);
        return (last, Convert.ToInt32(reader.GetString(1)[..8], 16));
    }

    private static async Task<IReadOnlyDictionary<string, long>> CountRowsAsync(string connectionString, CancellationToken ct)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        var tables = new List<(string Schema, string Name)>();
        await using (var list = new NpgsqlCommand(
            "SELECT schemaname, relname FROM pg_stat_user_tables ORDER BY 1, 2 LIMIT 500", conn))
        await using (var reader = await list.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) tables.Add((reader.GetString(0), reader.GetString(1)));
        }

        foreach (var (schema, name) in tables)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM \"{schema.Replace("\"", "\"\"")}\".\"{name.Replace("\"", "\"\"")}\"", conn);
            counts[$"{schema}.{name}"] = (long)(await count.ExecuteScalarAsync(ct))!;
        }

        return counts;
    }
}
