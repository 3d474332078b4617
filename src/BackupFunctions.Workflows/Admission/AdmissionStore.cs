using BackupFunctions.Workflows.Catalog.Postgres;
using Npgsql;

namespace BackupFunctions.Workflows.Admission;

/// <summary>
/// The slots of the per-database limit, in the control database (table admissions in the catalog's schema), so every
/// host sharing it sees the same count. An admission is one transaction under a per-database advisory lock: drop the
/// database's expired slots, count the rest, take one if the count is under the limit. Expiry is judged by the
/// database's clock, so hosts with skewed clocks agree.
/// </summary>
public sealed class AdmissionStore(NpgsqlDataSource db, string schema, AdmissionOptions options)
{
    private readonly string _table = $"\"{schema.Replace("\"", "\"\"")}\".admissions";
    private readonly string _schema = $"\"{schema.Replace("\"", "\"\"")}\"";
    private readonly string _holder = $"{Environment.MachineName}-{Environment.ProcessId}";
    private volatile bool _ready;

    public AdmissionOptions Options => options;

    /// <summary>Takes a slot for <paramref name="instanceId"/> if <paramref name="database"/> has fewer than the limit.</summary>
    public async Task<AdmissionDecision> TryAdmitAsync(string database, string instanceId, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Serializes admissions of one database across hosts; other databases are not held up. Released at commit.
        await ExecAsync(conn, tx, "SELECT pg_advisory_xact_lock(hashtextextended('bf-admission:' || $1, 0))", ct, database);
        await ExecAsync(conn, tx, $"DELETE FROM {_table} WHERE database_name = $1 AND expires_at <= now()", ct, database);
        var holders = await ReadSlotsAsync(conn, tx, "WHERE database_name = $1", ct, database);
        if (holders.Count >= options.MaxRunsPerDatabase)
        {
            await tx.RollbackAsync(ct);
            return new AdmissionDecision(false, holders);
        }

        await ExecAsync(conn, tx,
            $"INSERT INTO {_table} (instance_id, database_name, holder, scheduled, expires_at) VALUES ($1, $2, $3, false, now() + $4)",
            ct, instanceId, database, _holder, options.Lease);
        await tx.CommitAsync(ct);
        return new AdmissionDecision(true, holders);
    }

    /// <summary>
    /// Counts a scheduled run without refusing it: a schedule's backup is never dropped for the limit, but while it runs
    /// it takes a slot like any other (so manual starts are refused sooner). Idempotent per instance.
    /// </summary>
    public async Task CountScheduledAsync(string database, string instanceId, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await ExecAsync(conn, null,
            $"INSERT INTO {_table} (instance_id, database_name, holder, scheduled, expires_at) VALUES ($1, $2, $3, true, now() + $4) ON CONFLICT (instance_id) DO NOTHING",
            ct, instanceId, database, _holder, options.Lease);
    }

    /// <summary>Frees the slots of runs that have ended (or whose start failed).</summary>
    public async Task ReleaseAsync(IReadOnlyCollection<string> instanceIds, CancellationToken ct)
    {
        if (instanceIds.Count == 0)
        {
            return;
        }

        await using var conn = await OpenAsync(ct);
        await ExecAsync(conn, null, $"DELETE FROM {_table} WHERE instance_id = ANY($1)", ct, (object)instanceIds.ToArray());
    }

    /// <summary>Extends the leases of runs still going; a slot that already ran out stays gone (its database may have been admitted again).</summary>
    public async Task RenewAsync(IReadOnlyCollection<string> instanceIds, CancellationToken ct)
    {
        if (instanceIds.Count == 0)
        {
            return;
        }

        await using var conn = await OpenAsync(ct);
        await ExecAsync(conn, null, $"UPDATE {_table} SET expires_at = now() + $2 WHERE instance_id = ANY($1) AND expires_at > now()",
            ct, (object)instanceIds.ToArray(), options.Lease);
    }

    /// <summary>Every slot that still holds, and drops those that ran out.</summary>
    public async Task<IReadOnlyList<AdmissionSlot>> LiveSlotsAsync(CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await ExecAsync(conn, null, $"DELETE FROM {_table} WHERE expires_at <= now()", ct);
        return await ReadSlotsAsync(conn, null, "", ct);
    }

    private async Task<List<AdmissionSlot>> ReadSlotsAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string where, CancellationToken ct, params object[] args)
    {
        await using var cmd = Command(conn, tx,
            $"SELECT instance_id, database_name, now() - admitted_at, scheduled FROM {_table} {where} ORDER BY admitted_at", args);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var slots = new List<AdmissionSlot>();
        while (await r.ReadAsync(ct))
        {
            slots.Add(new AdmissionSlot(r.GetString(0), r.GetString(1), r.GetFieldValue<TimeSpan>(2), r.GetBoolean(3)));
        }

        return slots;
    }

    // A string[] argument must be passed as (object) so it stays one array parameter rather than spreading into params.
    private static async Task ExecAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = Command(conn, tx, sql, args);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlCommand Command(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, object[] args)
    {
        var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var arg in args)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = arg });
        }

        return cmd;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var conn = await db.OpenConnectionAsync(ct);
        if (!_ready)
        {
            await ControlSchemaDdl.ApplyAsync(conn, schema, $"""
                CREATE SCHEMA IF NOT EXISTS {_schema};
                CREATE TABLE IF NOT EXISTS {_table} (
                    instance_id    text PRIMARY KEY,
                    database_name  text NOT NULL,
                    holder         text NOT NULL,
                    scheduled      boolean NOT NULL,
                    admitted_at    timestamptz NOT NULL DEFAULT now(),
                    expires_at     timestamptz NOT NULL);
                CREATE INDEX IF NOT EXISTS admissions_database ON {_table} (database_name, expires_at);
                """, ct);
            _ready = true;
        }

        return conn;
    }
}
