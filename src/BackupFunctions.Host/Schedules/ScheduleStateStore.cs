using BackupFunctions.Workflows.Catalog.Postgres;
using BackupFunctions.Workflows.Configuration;
using Npgsql;

namespace BackupFunctions.Host.Schedules;

/// <summary>
/// Which due times have been claimed and started, in the control database (table schedule_runs in the catalog schema).
/// A claim is one INSERT on the key (schedule, due time, unit), so however many hosts fire, one wins. The state lives
/// apart from the task hub, so purging old instances neither re-runs a due time nor makes a missed one look first-ever.
/// A claim whose host died before starting the orchestration is taken over after <see cref="StaleClaim"/>.
/// </summary>
public sealed class ScheduleStateStore(BackupFunctionsOptions options)
{
    public static readonly TimeSpan StaleClaim = TimeSpan.FromMinutes(2);

    private readonly string _table = $"\"{options.Control.CatalogSchema.Replace("\"", "\"\"")}\".schedule_runs";
    private readonly string _worker = $"{Environment.MachineName}-{Environment.ProcessId}";
    private volatile bool _ready;

    /// <summary>True when this host now owns the due time's unit and must start it.</summary>
    public async Task<bool> TryClaimAsync(string schedule, DateTime dueUtc, string unit, string instanceId, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"""
            INSERT INTO {_table} AS r (schedule, due_at, unit, instance_id, claimed_by) VALUES (@s, @d, @u, @i, @w)
            ON CONFLICT (schedule, due_at, unit) DO UPDATE SET claimed_by = EXCLUDED.claimed_by, claimed_at = now()
              WHERE r.started_at IS NULL AND r.claimed_at < now() - @stale
            RETURNING 1
            """, conn);
        cmd.Parameters.AddWithValue("s", schedule);
        cmd.Parameters.AddWithValue("d", DateTime.SpecifyKind(dueUtc, DateTimeKind.Utc));
        cmd.Parameters.AddWithValue("u", unit);
        cmd.Parameters.AddWithValue("i", instanceId);
        cmd.Parameters.AddWithValue("w", _worker);
        cmd.Parameters.AddWithValue("stale", StaleClaim);
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    public async Task MarkStartedAsync(string schedule, DateTime dueUtc, string unit, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"UPDATE {_table} SET started_at = now() WHERE schedule = @s AND due_at = @d AND unit = @u", conn);
        cmd.Parameters.AddWithValue("s", schedule);
        cmd.Parameters.AddWithValue("d", DateTime.SpecifyKind(dueUtc, DateTimeKind.Utc));
        cmd.Parameters.AddWithValue("u", unit);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Whether the schedule has ever claimed a due time: what makes a missing latest run a missed one.</summary>
    public async Task<bool> HasRunBeforeAsync(string schedule, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await using var cmd = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {_table} WHERE schedule = @s)", conn);
        cmd.Parameters.AddWithValue("s", schedule);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var conn = new NpgsqlConnection(options.Control.ConnectionString);
        await conn.OpenAsync(ct);
        if (!_ready)
        {
            await ControlSchemaDdl.ApplyAsync(conn, options.Control.CatalogSchema, $"""
                CREATE SCHEMA IF NOT EXISTS "{options.Control.CatalogSchema.Replace("\"", "\"\"")}";
                CREATE TABLE IF NOT EXISTS {_table} (
                  schedule text NOT NULL,
                  due_at timestamptz NOT NULL,
                  unit text NOT NULL,
                  instance_id text NOT NULL,
                  claimed_by text NOT NULL,
                  claimed_at timestamptz NOT NULL DEFAULT now(),
                  started_at timestamptz,
                  PRIMARY KEY (schedule, due_at, unit));
                """, ct);
            _ready = true;
        }

        return conn;
    }
}
