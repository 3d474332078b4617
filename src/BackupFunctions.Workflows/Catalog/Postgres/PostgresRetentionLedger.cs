using BackupFunctions.Workflows.Retention;
using Npgsql;
using NpgsqlTypes;

namespace BackupFunctions.Workflows.Catalog.Postgres;

/// <summary>The retention ledger in the catalog's schema (tables made by <see cref="CatalogSchema"/> through the catalog).</summary>
public sealed class PostgresRetentionLedger(NpgsqlDataSource db, string schema, IBackupCatalog catalog) : IRetentionLedger
{
    public async Task<long> BeginDeletionAsync(string backupId, string target, string objectKey, string manifestKey, string rule, string reason, string? instanceId, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await using var cmd = Sql(conn, $"""
            INSERT INTO {schema}.deletions (backup_id, target, object_key, manifest_key, rule, reason, instance_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
            """, backupId, target, objectKey, manifestKey, rule, reason, instanceId);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task CompleteDeletionAsync(string backupId, string target, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await using var cmd = Sql(conn, $"UPDATE {schema}.deletions SET completed_at = now() WHERE backup_id = $1 AND lower(target) = lower($2) AND completed_at IS NULL",
            backupId, target);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlySet<string>> UnfinishedDeletionsAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await using var cmd = Sql(conn, $"SELECT DISTINCT backup_id, target FROM {schema}.deletions WHERE completed_at IS NULL");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            keys.Add(RetentionPlanInput.DeletionKey(reader.GetString(0), reader.GetString(1)));
        }

        return keys;
    }

    public async Task<IReadOnlyList<RetentionDeletion>> ListDeletionsAsync(int limit = 100, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await using var cmd = Sql(conn, $"""
            SELECT id, backup_id, target, object_key, manifest_key, rule, reason, instance_id, started_at, completed_at
            FROM {schema}.deletions ORDER BY id DESC LIMIT $1
            """, Math.Clamp(limit, 1, 1000));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<RetentionDeletion>();
        while (await r.ReadAsync(ct))
        {
            list.Add(new RetentionDeletion(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
                r.IsDBNull(7) ? null : r.GetString(7), r.GetFieldValue<DateTimeOffset>(8), r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9)));
        }

        return list;
    }

    public async Task<long> AcquireRestoreLeaseAsync(string backupId, string holder, TimeSpan duration, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        // The database's clock decides expiry, so hosts with skewed clocks agree on which leases still hold.
        await using var cmd = Sql(conn, $"INSERT INTO {schema}.restore_leases (backup_id, holder, expires_at) VALUES ($1, $2, now() + $3) RETURNING id",
            backupId, holder, duration);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task ReleaseRestoreLeaseAsync(long leaseId, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        // Expired leases go too: they hold nothing, and this keeps the table small.
        await using var cmd = Sql(conn, $"DELETE FROM {schema}.restore_leases WHERE id = $1 OR expires_at < now() - interval '1 day'", leaseId);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> ActiveLeasesAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await using var cmd = Sql(conn, $"SELECT backup_id, max(expires_at) FROM {schema}.restore_leases WHERE expires_at > now() GROUP BY backup_id");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var leases = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        while (await r.ReadAsync(ct))
        {
            leases[r.GetString(0)] = r.GetFieldValue<DateTimeOffset>(1);
        }

        return leases;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        await catalog.EnsureSchemaAsync(ct);
        return await db.OpenConnectionAsync(ct);
    }

    private static NpgsqlCommand Sql(NpgsqlConnection conn, string sql, params object?[] args)
    {
        var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args)
        {
            cmd.Parameters.Add(a is null ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text } : new NpgsqlParameter { Value = a });
        }

        return cmd;
    }
}
