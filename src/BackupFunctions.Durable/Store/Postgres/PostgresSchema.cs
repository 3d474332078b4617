using Npgsql;

namespace BackupFunctions.Durable.Store.Postgres;

/// <summary>
/// Creates and migrates one task hub's schema. Migrations are numbered, applied in order under an
/// advisory lock (so concurrent workers starting together do not race), and recorded in
/// <c>schema_version</c>. Never edit a shipped migration: add a new one.
/// </summary>
internal static class PostgresSchema
{
    public const int CurrentVersion = 1;

    private static readonly string[] Migrations =
    [
        // 1: the whole initial model.
        """
        CREATE TABLE instances (
            instance_id        text PRIMARY KEY,
            execution_id       text NOT NULL,
            name               text NOT NULL,
            status             text NOT NULL,
            input              text,
            output             text,
            custom_status      text,
            failure            jsonb,
            tags               jsonb,
            parent_instance_id text,
            created_at         timestamptz NOT NULL DEFAULT now(),
            last_updated_at    timestamptz NOT NULL DEFAULT now(),
            completed_at       timestamptz,
            scheduled_start_at timestamptz,
            history_length     int NOT NULL DEFAULT 0,
            locked_by          text,
            lock_expires       timestamptz,
            dequeue_count      int NOT NULL DEFAULT 0,
            last_error         text
        );
        CREATE INDEX instances_created ON instances (created_at, instance_id);
        CREATE INDEX instances_status ON instances (status);
        CREATE INDEX instances_active ON instances (last_updated_at) WHERE status IN ('Pending', 'Running', 'Suspended');

        CREATE TABLE history (
            instance_id  text NOT NULL,
            execution_id text NOT NULL,
            sequence     int NOT NULL,
            event_type   text NOT NULL,
            event_id     int NOT NULL,
            timestamp    timestamptz NOT NULL,
            data         jsonb NOT NULL,
            PRIMARY KEY (instance_id, execution_id, sequence)
        );

        CREATE TABLE messages (
            id           bigserial PRIMARY KEY,
            instance_id  text NOT NULL,
            execution_id text,
            event_type   text NOT NULL,
            visible_at   timestamptz NOT NULL DEFAULT now(),
            created_at   timestamptz NOT NULL DEFAULT now(),
            data         jsonb NOT NULL
        );
        CREATE INDEX messages_instance ON messages (instance_id, id);
        CREATE INDEX messages_visible ON messages (visible_at);

        CREATE TABLE tasks (
            id            bigserial PRIMARY KEY,
            instance_id   text NOT NULL,
            execution_id  text NOT NULL,
            event_id      int NOT NULL,
            name          text NOT NULL,
            input         text,
            attempt       int NOT NULL DEFAULT 1,
            progress_key  int NOT NULL,
            created_at    timestamptz NOT NULL DEFAULT now(),
            visible_at    timestamptz NOT NULL DEFAULT now(),
            locked_by     text,
            lock_expires  timestamptz,
            dequeue_count int NOT NULL DEFAULT 0,
            UNIQUE (instance_id, execution_id, event_id)
        );
        CREATE INDEX tasks_ready ON tasks (visible_at, id) WHERE locked_by IS NULL;
        CREATE INDEX tasks_lock ON tasks (lock_expires) WHERE locked_by IS NOT NULL;

        CREATE TABLE activity_progress (
            instance_id  text NOT NULL,
            execution_id text NOT NULL,
            progress_key int NOT NULL,
            progress     text,
            updated_at   timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (instance_id, execution_id, progress_key)
        );
        """,
    ];

    public static async Task EnsureAsync(NpgsqlDataSource dataSource, string schema, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext(@s))", conn, tx))
        {
            lockCmd.Parameters.AddWithValue("s", "durable-schema:" + schema);
            await lockCmd.ExecuteNonQueryAsync(ct);
        }

        await Exec(conn, tx, $"""
            CREATE SCHEMA IF NOT EXISTS {schema};
            CREATE TABLE IF NOT EXISTS {schema}.schema_version (
                version int PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now());
            """, ct);

        int current;
        await using (var cmd = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {schema}.schema_version", conn, tx))
        {
            current = Convert.ToInt32(await cmd.ExecuteScalarAsync(ct));
        }

        if (current > Migrations.Length)
        {
            throw new InvalidOperationException(
                $"Task hub schema '{schema}' is at version {current}, newer than this engine knows ({Migrations.Length}). Upgrade the application.");
        }

        for (var v = current + 1; v <= Migrations.Length; v++)
        {
            await Exec(conn, tx, $"SET LOCAL search_path TO {schema}; {Migrations[v - 1]}; INSERT INTO {schema}.schema_version (version) VALUES ({v});", ct);
        }

        await tx.CommitAsync(ct);
    }

    private static async Task Exec(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
