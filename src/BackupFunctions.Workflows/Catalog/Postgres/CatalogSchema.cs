namespace BackupFunctions.Workflows.Catalog.Postgres;

/// <summary>The catalog's tables. Idempotent DDL, run under an advisory lock so concurrent hosts do not race.</summary>
internal static class CatalogSchema
{
    public static string Ddl(string schema) => CoreDdl(schema) + RetentionSchema.Ddl(schema);

    private static string CoreDdl(string schema) => $"""
        CREATE SCHEMA IF NOT EXISTS {schema};
        CREATE TABLE IF NOT EXISTS {schema}.backups (
            backup_id      text PRIMARY KEY,
            kind           text NOT NULL,
            database_name  text,
            tenant_id      text,
            status         text NOT NULL,
            created_at     timestamptz NOT NULL,
            completed_at   timestamptz,
            raw_bytes      bigint NOT NULL DEFAULT 0,
            stored_bytes   bigint NOT NULL DEFAULT 0,
            stored_sha256  text NOT NULL,
            key_id         text,
            instance_id    text,
            error          text,
            row_counts     jsonb NOT NULL DEFAULT jsonb_build_object(),
            recorded_at    timestamptz NOT NULL DEFAULT now());
        CREATE INDEX IF NOT EXISTS backups_db_created ON {schema}.backups (database_name, created_at DESC);
        -- GET /api/backups without a database: the newest N straight from this index, not a scan and sort of the whole table.
        CREATE INDEX IF NOT EXISTS backups_created ON {schema}.backups (created_at DESC, backup_id DESC);
        CREATE TABLE IF NOT EXISTS {schema}.copies (
            backup_id       text NOT NULL REFERENCES {schema}.backups(backup_id) ON DELETE CASCADE,
            target          text NOT NULL,
            object_key      text NOT NULL,
            verified        boolean NOT NULL,
            verified_at     timestamptz,
            last_checked_at timestamptz,
            last_error      text,
            PRIMARY KEY (backup_id, target));
        ALTER TABLE {schema}.copies ADD COLUMN IF NOT EXISTS fingerprint text;
        CREATE TABLE IF NOT EXISTS {schema}.verifications (
            id          bigserial PRIMARY KEY,
            backup_id   text NOT NULL,
            target      text NOT NULL,
            intact      boolean NOT NULL,
            error       text,
            instance_id text,
            checked_at  timestamptz NOT NULL DEFAULT now());
        CREATE TABLE IF NOT EXISTS {schema}.restores (
            id              bigserial PRIMARY KEY,
            backup_id       text NOT NULL,
            kind            text NOT NULL,
            target_database text NOT NULL,
            served_by       text,
            succeeded       boolean NOT NULL,
            started_at      timestamptz NOT NULL,
            completed_at    timestamptz NOT NULL,
            error           text,
            instance_id     text);
        CREATE TABLE IF NOT EXISTS {schema}.alerts (
            id              bigserial PRIMARY KEY,
            severity        text NOT NULL,
            code            text NOT NULL,
            message         text NOT NULL,
            dedupe_key      text,
            created_at      timestamptz NOT NULL DEFAULT now(),
            last_seen_at    timestamptz NOT NULL DEFAULT now(),
            occurrences     integer NOT NULL DEFAULT 1,
            acknowledged_at timestamptz,
            acknowledged_by text,
            instance_id     text);
        ALTER TABLE {schema}.alerts ADD COLUMN IF NOT EXISTS resolved_at timestamptz;
        ALTER TABLE {schema}.alerts ADD COLUMN IF NOT EXISTS resolved_reason text;
        DROP INDEX IF EXISTS {schema}.alerts_open_dedupe;
        CREATE UNIQUE INDEX IF NOT EXISTS alerts_unresolved_dedupe ON {schema}.alerts (dedupe_key) WHERE resolved_at IS NULL AND dedupe_key IS NOT NULL;
        CREATE TABLE IF NOT EXISTS {schema}.notifications (
            id        bigserial PRIMARY KEY,
            alert_id  bigint NOT NULL REFERENCES {schema}.alerts(id) ON DELETE CASCADE,
            channel   text NOT NULL,
            event     text NOT NULL,
            outcome   text NOT NULL,
            error     text,
            attempts  integer NOT NULL,
            at        timestamptz NOT NULL DEFAULT now());
        CREATE INDEX IF NOT EXISTS notifications_alert ON {schema}.notifications (alert_id, at DESC);
        CREATE TABLE IF NOT EXISTS {schema}.schedule_watch (
            schedule_key  text PRIMARY KEY,
            watched_since timestamptz NOT NULL);
        """;
}
