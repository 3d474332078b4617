namespace BackupFunctions.Workflows.Catalog.Postgres;

/// <summary>
/// Retention's tables, appended to <see cref="CatalogSchema"/>'s DDL: each copy it deletes (started before the
/// artifact goes, completed once the manifest has gone, so a run that stopped halfway is finished by the next), and the
/// leases running restores hold on backups.
/// </summary>
internal static class RetentionSchema
{
    public static string Ddl(string schema) => $"""

        CREATE TABLE IF NOT EXISTS {schema}.deletions (
            id            bigserial PRIMARY KEY,
            backup_id     text NOT NULL,
            target        text NOT NULL,
            object_key    text NOT NULL,
            manifest_key  text NOT NULL,
            rule          text NOT NULL,
            reason        text NOT NULL,
            instance_id   text,
            started_at    timestamptz NOT NULL DEFAULT now(),
            completed_at  timestamptz);
        CREATE INDEX IF NOT EXISTS deletions_unfinished ON {schema}.deletions (backup_id, target) WHERE completed_at IS NULL;
        CREATE TABLE IF NOT EXISTS {schema}.restore_leases (
            id           bigserial PRIMARY KEY,
            backup_id    text NOT NULL,
            holder       text NOT NULL,
            acquired_at  timestamptz NOT NULL DEFAULT now(),
            expires_at   timestamptz NOT NULL);
        CREATE INDEX IF NOT EXISTS restore_leases_backup ON {schema}.restore_leases (backup_id, expires_at);
        """;
}
