using Npgsql;

namespace BackupFunctions.Workflows.Catalog.Postgres;

/// <summary>
/// Reads the per-database facts of the health score in one statement: every database that has a full backup, its newest
/// successful one, its newest one whatever the outcome, its newest successful test restore, and how many of its copies
/// failed their last integrity check.
/// </summary>
internal static class HealthFactsQuery
{
    public static async Task<IReadOnlyList<DatabaseHealth>> ReadAsync(NpgsqlConnection conn, string s, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            WITH dbs AS (SELECT DISTINCT database_name AS db FROM {s}.backups WHERE kind = 'Full' AND database_name IS NOT NULL)
            SELECT d.db,
                   (SELECT max(created_at) FROM {s}.backups WHERE kind = 'Full' AND status = 'Succeeded' AND database_name = d.db),
                   n.backup_id, n.status, n.created_at, n.stored_bytes,
                   (SELECT count(*) FROM {s}.copies c WHERE c.backup_id = n.backup_id AND c.verified)::int,
                   (SELECT max(r.completed_at) FROM {s}.restores r JOIN {s}.backups b ON b.backup_id = r.backup_id
                     WHERE r.succeeded AND r.kind = 'test' AND b.database_name = d.db),
                   (SELECT count(*) FROM {s}.copies c JOIN {s}.backups b ON b.backup_id = c.backup_id
                     WHERE b.database_name = d.db AND c.last_checked_at IS NOT NULL AND c.last_error IS NOT NULL)::int
            FROM dbs d
            LEFT JOIN LATERAL (SELECT backup_id, status, created_at, stored_bytes FROM {s}.backups
                               WHERE kind = 'Full' AND database_name = d.db ORDER BY created_at DESC, backup_id DESC LIMIT 1) n ON true
            ORDER BY d.db
            """, conn);
        var list = new List<DatabaseHealth>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(new DatabaseHealth(
                r.GetString(0),
                Time(r, 1),
                r.IsDBNull(2) ? null : r.GetString(2),
                r.IsDBNull(3) ? null : r.GetString(3),
                Time(r, 4),
                r.IsDBNull(5) ? null : r.GetInt64(5),
                r.GetInt32(6),
                Time(r, 7),
                r.GetInt32(8)));
        }

        return list;
    }

    private static DateTimeOffset? Time(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
}
