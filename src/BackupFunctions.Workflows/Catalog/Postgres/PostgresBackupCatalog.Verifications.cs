namespace BackupFunctions.Workflows.Catalog.Postgres;

/// <summary>A backup's verification history: the verifications rows and its test restores, merged newest first.</summary>
public sealed partial class PostgresBackupCatalog
{
    public async Task<IReadOnlyList<CatalogVerification>> ListVerificationsAsync(string backupId, int limit = 200, CancellationToken ct = default)
    {
        await EnsureSchemaAsync(ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        // A test restore reads the whole copy it is served by and compares it with the manifest: the strongest check there is.
        await using var cmd = Sql(conn, $"""
            SELECT target, kind, result, passed, at, detail, instance_id FROM (
                SELECT target, '{CatalogVerification.FullRead}' AS kind, CASE WHEN intact THEN 'intact' ELSE 'damaged' END AS result,
                       intact AS passed, checked_at AS at, error AS detail, instance_id, id AS seq
                FROM {_s}.verifications WHERE backup_id = $1
                UNION ALL
                SELECT coalesce(served_by, ''), '{CatalogVerification.TestRestore}', CASE WHEN succeeded THEN 'succeeded' ELSE 'failed' END,
                       succeeded, completed_at, error, instance_id, id
                FROM {_s}.restores WHERE backup_id = $1 AND kind = 'test') checks
            ORDER BY at DESC, seq DESC LIMIT $2
            """, backupId, Math.Clamp(limit, 1, 1000));
        var list = new List<CatalogVerification>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(new CatalogVerification(r.GetString(0), r.GetString(1), r.GetString(2), r.GetBoolean(3), r.GetFieldValue<DateTimeOffset>(4), Str(r, 5), Str(r, 6)));
        }

        return list;
    }
}
