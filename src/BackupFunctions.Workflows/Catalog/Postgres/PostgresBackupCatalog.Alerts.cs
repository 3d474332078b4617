using Npgsql;

namespace BackupFunctions.Workflows.Catalog.Postgres;

/// <summary>Alert delivery's side of the catalog: raise with what changed, resolve returning the alert, notifications, usage.</summary>
public sealed partial class PostgresBackupCatalog
{
    private const string AlertColumns = """
        id, severity, code, message, created_at, last_seen_at, occurrences, acknowledged_at, acknowledged_by, instance_id,
        dedupe_key, resolved_at, resolved_reason
        """;

    public async Task<RecordedAlert> RecordAlertAsync(string severity, string code, string message, string? dedupeKey, string? instanceId, CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        // The severity before the upsert is read in the same statement; xmax = 0 marks a row this statement inserted.
        await using var cmd = Sql(conn, $"""
            WITH prev AS (SELECT severity FROM {_s}.alerts WHERE dedupe_key = $4 AND resolved_at IS NULL)
            INSERT INTO {_s}.alerts (severity, code, message, dedupe_key, instance_id) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (dedupe_key) WHERE resolved_at IS NULL AND dedupe_key IS NOT NULL
            DO UPDATE SET occurrences = {_s}.alerts.occurrences + 1, last_seen_at = now(), message = EXCLUDED.message,
                          severity = EXCLUDED.severity, instance_id = EXCLUDED.instance_id
            RETURNING {AlertColumns}, (xmax = 0), (SELECT severity FROM prev LIMIT 1)
            """, severity, code, message, dedupeKey, instanceId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var opened = r.GetBoolean(13);
        return new RecordedAlert(ReadAlert(r), opened, opened ? null : Str(r, 14));
    }

    public async Task<IReadOnlyList<CatalogAlert>> ResolveOpenAlertsAsync(string dedupeKey, string reason, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dedupeKey);
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Sql(conn, $"""
            UPDATE {_s}.alerts SET resolved_at = now(), resolved_reason = $2 WHERE dedupe_key = $1 AND resolved_at IS NULL RETURNING {AlertColumns}
            """, dedupeKey, reason);
        return await ReadAlertsAsync(cmd, ct);
    }

    public async Task<ResolvedAlert?> ResolveAlertByIdAsync(long alertId, string reason, CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Sql(conn, $"""
            UPDATE {_s}.alerts SET resolved_at = now(), resolved_reason = $2 WHERE id = $1 AND resolved_at IS NULL RETURNING {AlertColumns}
            """, alertId, reason);
        var changed = await ReadAlertsAsync(cmd, ct);
        if (changed.Count > 0)
        {
            return new ResolvedAlert(changed[0], true);
        }

        return await GetAlertAsync(alertId, ct) is { } existing ? new ResolvedAlert(existing, false) : null;
    }

    public async Task<CatalogAlert?> GetAlertAsync(long alertId, CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Sql(conn, $"SELECT {AlertColumns} FROM {_s}.alerts WHERE id = $1", alertId);
        return (await ReadAlertsAsync(cmd, ct)).FirstOrDefault();
    }

    public async Task RecordNotificationAsync(CatalogNotification n, CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Sql(conn, $"""
            INSERT INTO {_s}.notifications (alert_id, channel, event, outcome, error, attempts, at) VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, n.AlertId, n.Channel, n.Event, n.Outcome, n.Error, n.Attempts, n.At);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<CatalogNotification>> ListNotificationsAsync(long? alertId = null, int limit = 200, CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"""
            SELECT id, alert_id, channel, event, outcome, error, attempts, at FROM {_s}.notifications
            WHERE $1::bigint IS NULL OR alert_id = $1 ORDER BY at DESC, id DESC LIMIT $2
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)alertId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new NpgsqlParameter { Value = Math.Clamp(limit, 1, 1000) });
        var list = new List<CatalogNotification>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(new CatalogNotification(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), Str(r, 5), r.GetInt32(6),
                r.GetFieldValue<DateTimeOffset>(7)));
        }

        return list;
    }

    public async Task<IReadOnlyDictionary<string, long>> StoredBytesByTargetAsync(CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"""
            SELECT c.target, sum(b.stored_bytes)::bigint FROM {_s}.copies c JOIN {_s}.backups b USING (backup_id) WHERE c.verified GROUP BY c.target
            """, conn);
        var usage = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            usage[r.GetString(0)] = r.GetInt64(1);
        }

        return usage;
    }

    private static async Task<IReadOnlyList<CatalogAlert>> ReadAlertsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<CatalogAlert>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(ReadAlert(r));
        }

        return list;
    }

    private static CatalogAlert ReadAlert(NpgsqlDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetFieldValue<DateTimeOffset>(4), r.GetFieldValue<DateTimeOffset>(5),
            r.GetInt32(6), r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7), Str(r, 8), Str(r, 9))
        {
            DedupeKey = Str(r, 10),
            ResolvedAt = r.IsDBNull(11) ? null : r.GetFieldValue<DateTimeOffset>(11),
            ResolvedReason = Str(r, 12),
        };
}
