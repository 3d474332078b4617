using Npgsql;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>What a promoted, restored server reports: its last replayed commit, its new timeline and the source database's row counts.</summary>
public sealed record RestoredServerState(DateTimeOffset? LastReplayedTransaction, int Timeline, string Database, IReadOnlyDictionary<string, long> RowCounts);

/// <summary>
/// The last step of a PITR restore: connect, check the server is out of recovery, and (to latest) that replay did not stop
/// short at a hole in the archive, then read what it holds.
/// </summary>
public static class RestoredServerCheck
{
    public static async Task<RestoredServerState> VerifyAsync(BackupEnvironment env, string dataDirectory, int port, DateTimeOffset? targetTime, CancellationToken ct)
    {
        var (inRecovery, lastReplay, timeline) = await ReadStateAsync(RecoveryServer.ConnectionString(env, port, "postgres"), ct);
        if (inRecovery)
            throw new PitrException($"The restored server on 127.0.0.1:{port} is still in recovery: it has not promoted, so it does not hold a finished point-in-time copy.");
        if (targetTime is null)
        {
            var unreplayed = await WalArchiveGap.UnreplayedAsync(env, dataDirectory, timeline, ct);
            if (unreplayed.Count > 0)
                throw new PitrException(
                    $"Recovery to latest ended before {unreplayed.Count} archived segment(s) of the old timeline ({unreplayed[0]} … {unreplayed[^1]}): " +
                    "a segment between is missing or unreadable in every target, so the restored server lacks every transaction after that point. " +
                    $"It is running on 127.0.0.1:{port} for inspection; find the missing segment (another copy of the archive) or restore to a time before the gap.");
        }

        var database = env.Source().Database;
        var counts = await CountRowsAsync(RecoveryServer.ConnectionString(env, port, database), ct);
        return new RestoredServerState(lastReplay, timeline, database, counts);
    }

    private static async Task<(bool InRecovery, DateTimeOffset? LastReplay, int Timeline)> ReadStateAsync(string connectionString, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        // The timeline from the current WAL file's name: pg_control's checkpoint may still be the pre-promotion one.
        await using var cmd = new NpgsqlCommand(
            "SELECT pg_is_in_recovery(), pg_last_xact_replay_timestamp(), CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_walfile_name(pg_current_wal_lsn()) END", conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        DateTimeOffset? last = reader.IsDBNull(1) ? null : new DateTimeOffset(reader.GetDateTime(1).ToUniversalTime(), TimeSpan.Zero);
        var timeline = reader.IsDBNull(2) ? 0 : Convert.ToInt32(reader.GetString(2)[..8], 16);
        return (reader.GetBoolean(0), last, timeline);
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
