using Npgsql;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>
/// What the server says about its archiving: pg_stat_archiver (readable by any role) and the segment it is writing now.
/// </summary>
public sealed record WalArchiverStats(
    string CurrentWalFile, long ArchivedCount, string? LastArchivedWal, DateTimeOffset? LastArchivedAt,
    long FailedCount, string? LastFailedWal, DateTimeOffset? LastFailedAt, DateTimeOffset ServerNow, string ArchiveMode)
{
    /// <summary>The latest attempt failed: archive_command is failing now, not merely some time since the statistics were reset.</summary>
    public bool Failing => LastFailedAt is { } failed && (LastArchivedAt is not { } archived || failed > archived);

    public static async Task<WalArchiverStats> ReadAsync(string connectionString, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(
            "SELECT pg_walfile_name(pg_current_wal_lsn()), archived_count, last_archived_wal, last_archived_time, failed_count, " +
            "last_failed_wal, last_failed_time, now(), current_setting('archive_mode') FROM pg_stat_archiver", conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) throw new PitrException("pg_stat_archiver returned no row.");
        return new WalArchiverStats(
            r.GetString(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetFieldValue<DateTimeOffset>(3),
            r.GetInt64(4), r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6),
            r.GetFieldValue<DateTimeOffset>(7), r.GetString(8));
    }
}
