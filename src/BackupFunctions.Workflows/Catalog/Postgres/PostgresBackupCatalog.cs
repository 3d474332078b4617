using System.Text.Json;
using System.Text.RegularExpressions;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Workflows.Catalog.Health;
using Npgsql;
using NpgsqlTypes;

namespace BackupFunctions.Workflows.Catalog.Postgres;

/// <summary>The catalog in the control database (schema configurable, default bf_catalog).</summary>
public sealed partial class PostgresBackupCatalog : IBackupCatalog
{
    private readonly NpgsqlDataSource _db;
    private readonly string _s;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    public PostgresBackupCatalog(string connectionString, string schema = "bf_catalog")
        : this(NpgsqlDataSource.Create(connectionString), schema)
    {
    }

    /// <summary>Over a data source that decides how to sign in (<see cref="ControlDataSource"/>).</summary>
    public PostgresBackupCatalog(NpgsqlDataSource dataSource, string schema = "bf_catalog")
    {
        if (!SchemaPattern().IsMatch(schema))
        {
            throw new ArgumentException($"Catalog schema '{schema}' must be a lower-case identifier.", nameof(schema));
        }

        _db = dataSource;
        _s = schema;
    }

    public async Task EnsureSchemaAsync(CancellationToken ct = default)
    {
        if (_schemaReady)
        {
            return;
        }

        await _schemaGate.WaitAsync(ct);
        try
        {
            if (_schemaReady)
            {
                return;
            }

            await using var conn = await _db.OpenConnectionAsync(ct);
            await ControlSchemaDdl.ApplyAsync(conn, _s, CatalogSchema.Ddl(_s), ct);
            _schemaReady = true;
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    public async Task RecordBackupAsync(BackupManifest m, string status, string? error, CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await UpsertBackupAsync(conn, tx, m, status, error, ct);
        await tx.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<CatalogBackup>> ListBackupsAsync(string? database = null, int limit = 100, CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(ListBackupsSql(_s), conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)database ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = Math.Clamp(limit, 1, 1000) });
        return await ReadBackupsAsync(conn, cmd, ct);
    }

    public async Task<CatalogBackup?> GetBackupAsync(string backupId, CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"SELECT {BackupColumns} FROM {_s}.backups b WHERE b.backup_id = $1", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = backupId });
        return (await ReadBackupsAsync(conn, cmd, ct)).FirstOrDefault();
    }

    public async Task RecordVerificationAsync(string backupId, string target, bool intact, string? error, string? instanceId, CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                Command($"INSERT INTO {_s}.verifications (backup_id, target, intact, error, instance_id) VALUES ($1, $2, $3, $4, $5)",
                    backupId, target, intact, error, instanceId),
                Command($"""
                    UPDATE {_s}.copies SET last_checked_at = now(), last_error = $3,
                        verified = verified AND $4, verified_at = CASE WHEN $4 THEN now() ELSE verified_at END
                    WHERE backup_id = $1 AND target = $2
                    """, backupId, target, error, intact),
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<CatalogCopyState>> ListCopiesForIntegrityAsync(CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Sql(conn, $"""
            SELECT c.backup_id, c.target, c.object_key, b.stored_sha256, b.stored_bytes, c.verified, c.verified_at, c.last_checked_at,
                   c.last_error, c.fingerprint
            FROM {_s}.copies c JOIN {_s}.backups b USING (backup_id)
            WHERE c.verified OR c.last_checked_at IS NOT NULL
            ORDER BY c.backup_id, c.target
            """);
        var list = new List<CatalogCopyState>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(new CatalogCopyState(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetBoolean(5),
                r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6), r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7), Str(r, 8), Str(r, 9)));
        }

        return list;
    }

    public async Task RecordCopyCheckAsync(string backupId, string target, bool intact, string? error, string? fingerprint, string? instanceId, CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        // A full read-back is the authority on a copy that verified once: intact (after a repair too) makes it verified
        // again, damaged makes it unverified until a repair or a later read says otherwise.
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                Command($"INSERT INTO {_s}.verifications (backup_id, target, intact, error, instance_id) VALUES ($1, $2, $3, $4, $5)",
                    backupId, target, intact, error, instanceId),
                Command($"""
                    UPDATE {_s}.copies SET last_checked_at = now(), last_error = $3, verified = $4,
                        verified_at = CASE WHEN $4 THEN now() ELSE verified_at END,
                        fingerprint = CASE WHEN $4 THEN $5 ELSE fingerprint END
                    WHERE backup_id = $1 AND target = $2
                    """, backupId, target, error, intact, fingerprint),
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
    }

    public async Task RemoveCopyAsync(string backupId, string target, CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Sql(conn, $"DELETE FROM {_s}.copies WHERE backup_id = $1 AND target = $2", backupId, target);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<long> RecordRestoreAsync(CatalogRestore r, CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Sql(conn, $"""
            INSERT INTO {_s}.restores (backup_id, kind, target_database, served_by, succeeded, started_at, completed_at, error, instance_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id
            """, r.BackupId, r.Kind, r.TargetDatabase, r.ServedBy, r.Succeeded, r.StartedAt, r.CompletedAt, r.Error, r.InstanceId);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task<IReadOnlyList<CatalogRestore>> ListRestoresAsync(int limit = 100, CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Sql(conn, $"""
            SELECT id, backup_id, kind, target_database, served_by, succeeded, started_at, completed_at, error, instance_id
            FROM {_s}.restores ORDER BY started_at DESC, id DESC LIMIT $1
            """, Math.Clamp(limit, 1, 1000));
        var list = new List<CatalogRestore>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(new CatalogRestore(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), Str(r, 4), r.GetBoolean(5),
                r.GetFieldValue<DateTimeOffset>(6), r.GetFieldValue<DateTimeOffset>(7), Str(r, 8), Str(r, 9)));
        }

        return list;
    }

    public async Task<long> RaiseAlertAsync(string severity, string code, string message, string? dedupeKey, string? instanceId, CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        // An unresolved alert with the same key (acknowledged or not) is refreshed (count, last seen, latest
        // message) rather than duplicated: acknowledging silences a condition, it does not end it.
        await using var cmd = Sql(conn, $"""
            INSERT INTO {_s}.alerts (severity, code, message, dedupe_key, instance_id) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (dedupe_key) WHERE resolved_at IS NULL AND dedupe_key IS NOT NULL
            DO UPDATE SET occurrences = {_s}.alerts.occurrences + 1, last_seen_at = now(), message = EXCLUDED.message,
                          severity = EXCLUDED.severity, instance_id = EXCLUDED.instance_id
            RETURNING id
            """, severity, code, message, dedupeKey, instanceId);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task<IReadOnlyList<CatalogAlert>> ListAlertsAsync(bool includeAcknowledged = false, int limit = 200, CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Sql(conn, $"""
            SELECT id, severity, code, message, created_at, last_seen_at, occurrences, acknowledged_at, acknowledged_by, instance_id,
                   dedupe_key, resolved_at, resolved_reason
            FROM {_s}.alerts WHERE $1 OR (acknowledged_at IS NULL AND resolved_at IS NULL) ORDER BY last_seen_at DESC, id DESC LIMIT $2
            """, includeAcknowledged, Math.Clamp(limit, 1, 1000));
        var list = new List<CatalogAlert>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(new CatalogAlert(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetFieldValue<DateTimeOffset>(4),
                r.GetFieldValue<DateTimeOffset>(5), r.GetInt32(6), r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7), Str(r, 8), Str(r, 9))
            {
                DedupeKey = Str(r, 10),
                ResolvedAt = r.IsDBNull(11) ? null : r.GetFieldValue<DateTimeOffset>(11),
                ResolvedReason = Str(r, 12),
            });
        }

        return list;
    }

    public async Task<bool> AcknowledgeAlertAsync(long alertId, string? by, CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Sql(conn, $"UPDATE {_s}.alerts SET acknowledged_at = coalesce(acknowledged_at, now()), acknowledged_by = coalesce(acknowledged_by, $2) WHERE id = $1", alertId, by);
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }

    public async Task<int> ResolveAlertsAsync(string dedupeKey, string reason, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dedupeKey);
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Sql(conn, $"UPDATE {_s}.alerts SET resolved_at = now(), resolved_reason = $2 WHERE dedupe_key = $1 AND resolved_at IS NULL", dedupeKey, reason);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<HealthReport> GetHealthAsync(CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        IReadOnlyList<DatabaseHealth> databases;
        await using (var conn = await _db.OpenConnectionAsync(ct))
        {
            databases = await HealthFactsQuery.ReadAsync(conn, _s, ct);
        }

        // Open alerts come through ListAlertsAsync, so what counts as open (unacknowledged, unresolved) is decided in one place.
        var open = await ListAlertsAsync(includeAcknowledged: false, limit: 1000, ct);
        var facts = new HealthFacts(DateTimeOffset.UtcNow, databases,
            open.Count(a => a.Severity == "critical"), open.Count(a => a.Severity == "warning"));
        return HealthScore.Compute(facts);
    }

    public async Task<int> RebuildAsync(IEnumerable<BackupManifest> manifests, CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await Exec(conn, tx, $"DELETE FROM {_s}.copies; DELETE FROM {_s}.backups;", ct);
        var n = 0;
        foreach (var m in manifests)
        {
            var status = m.Copies.Any(c => c.Verified) ? "Succeeded" : "Failed";
            await UpsertBackupAsync(conn, tx, m, status, null, ct);
            n++;
        }

        await tx.CommitAsync(ct);
        return n;
    }

    /// <summary>
    /// The newest backups, all ($1 null) or of one database. The statement is unnamed (planned with its values), so a
    /// null $1 folds away and the newest N come from backups_created, a database from backups_db_created.
    /// </summary>
    internal static string ListBackupsSql(string schema) => $"""
        SELECT {BackupColumns} FROM {schema}.backups b
        WHERE $1::text IS NULL OR b.database_name = $1 ORDER BY b.created_at DESC, b.backup_id DESC LIMIT $2
        """;

    private const string BackupColumns = """
        b.backup_id, b.kind, b.database_name, b.tenant_id, b.status, b.created_at, b.completed_at, b.raw_bytes, b.stored_bytes,
        b.stored_sha256, b.key_id, b.instance_id, b.error, b.row_counts::text
        """;

    private async Task<IReadOnlyList<CatalogBackup>> ReadBackupsAsync(NpgsqlConnection conn, NpgsqlCommand cmd, CancellationToken ct)
    {
        var rows = new List<CatalogBackup>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                rows.Add(new CatalogBackup(r.GetString(0), r.GetString(1), Str(r, 2), Str(r, 3), r.GetString(4), r.GetFieldValue<DateTimeOffset>(5),
                    r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6), r.GetInt64(7), r.GetInt64(8), r.GetString(9), Str(r, 10), Str(r, 11), Str(r, 12),
                    [], JsonSerializer.Deserialize<Dictionary<string, long>>(r.GetString(13)) ?? []));
            }
        }

        if (rows.Count == 0)
        {
            return rows;
        }

        await using var copies = Sql(conn, $"""
            SELECT backup_id, target, object_key, verified, verified_at, last_checked_at, last_error
            FROM {_s}.copies WHERE backup_id = ANY($1) ORDER BY target
            """, (object)rows.Select(b => b.BackupId).ToArray());
        var byBackup = new Dictionary<string, List<CatalogCopy>>();
        await using (var r = await copies.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var list = byBackup.TryGetValue(r.GetString(0), out var l) ? l : byBackup[r.GetString(0)] = [];
                list.Add(new CatalogCopy(r.GetString(1), r.GetString(2), r.GetBoolean(3), r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4),
                    r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5), Str(r, 6)));
            }
        }

        return rows.Select(b => b with { Copies = byBackup.TryGetValue(b.BackupId, out var c) ? c : [] }).ToList();
    }

    private async Task UpsertBackupAsync(NpgsqlConnection conn, NpgsqlTransaction tx, BackupManifest m, string status, string? error, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn, tx);
        batch.BatchCommands.Add(Command($"""
            INSERT INTO {_s}.backups (backup_id, kind, database_name, tenant_id, status, created_at, completed_at, raw_bytes, stored_bytes,
                                      stored_sha256, key_id, instance_id, error, row_counts)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb)
            ON CONFLICT (backup_id) DO UPDATE SET status = EXCLUDED.status, completed_at = EXCLUDED.completed_at, error = EXCLUDED.error,
                stored_bytes = EXCLUDED.stored_bytes, row_counts = EXCLUDED.row_counts, instance_id = coalesce(EXCLUDED.instance_id, {_s}.backups.instance_id),
                recorded_at = now()
            """, m.BackupId, m.Kind.ToString(), m.Database, m.TenantId, status, m.CreatedAt, m.CompletedAt, m.RawBytes, m.StoredBytes,
            m.StoredSha256, m.KeyId, m.OrchestrationInstanceId, error, JsonSerializer.Serialize(m.RowCounts)));
        batch.BatchCommands.Add(Command($"DELETE FROM {_s}.copies WHERE backup_id = $1", m.BackupId));
        foreach (var c in m.Copies)
        {
            batch.BatchCommands.Add(Command($"""
                INSERT INTO {_s}.copies (backup_id, target, object_key, verified, verified_at) VALUES ($1, $2, $3, $4, $5)
                """, m.BackupId, c.Target, c.ObjectKey, c.Verified, c.VerifiedAt));
        }

        await batch.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlBatchCommand Command(string sql, params object?[] args)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        foreach (var a in args)
        {
            cmd.Parameters.Add(Param(a));
        }

        return cmd;
    }

    private static NpgsqlCommand Sql(NpgsqlConnection conn, string sql, params object?[] args)
    {
        var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args)
        {
            cmd.Parameters.Add(Param(a));
        }

        return cmd;
    }

    private static NpgsqlParameter Param(object? a) => a switch
    {
        null => new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
        _ => new NpgsqlParameter { Value = a },
    };

    private static string? Str(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static async Task Exec(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaPattern();
}
