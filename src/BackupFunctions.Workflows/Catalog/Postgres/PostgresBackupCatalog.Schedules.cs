namespace BackupFunctions.Workflows.Catalog.Postgres;

/// <summary>The dead-man check's side of the catalog (table schedule_watch, and reads of backups and restores).</summary>
public sealed partial class PostgresBackupCatalog
{
    public async Task<DateTimeOffset?> LastGoodBackupAsync(string kind, string? database, string? tenantId, CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Sql(conn, $"""
            SELECT max(completed_at) FROM {_s}.backups
            WHERE lower(kind) = lower($1) AND status IN ('Succeeded', 'Partial') AND completed_at IS NOT NULL
              AND ($2::text IS NULL OR database_name = $2) AND ($3::text IS NULL OR tenant_id = $3)
            """, kind, database, tenantId);
        return await cmd.ExecuteScalarAsync(ct) is DateTime at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
    }

    public async Task<DateTimeOffset?> LastGoodTestRestoreAsync(string? database, CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Sql(conn, $"""
            SELECT max(r.completed_at) FROM {_s}.restores r LEFT JOIN {_s}.backups b ON b.backup_id = r.backup_id
            WHERE r.succeeded AND r.kind = 'test' AND ($1::text IS NULL OR b.database_name = $1)
            """, database);
        return await cmd.ExecuteScalarAsync(ct) is DateTime at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
    }

    public async Task<DateTimeOffset> WatchedSinceAsync(string scheduleKey, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scheduleKey);
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        // The no-op update makes RETURNING give the existing row too, in one statement, whichever host gets there first.
        await using var cmd = Sql(conn, $"""
            INSERT INTO {_s}.schedule_watch (schedule_key, watched_since) VALUES ($1, $2)
            ON CONFLICT (schedule_key) DO UPDATE SET schedule_key = EXCLUDED.schedule_key
            RETURNING watched_since
            """, scheduleKey, now.UtcDateTime);
        var since = (DateTime)(await cmd.ExecuteScalarAsync(ct))!;
        return new DateTimeOffset(DateTime.SpecifyKind(since, DateTimeKind.Utc));
    }
}
