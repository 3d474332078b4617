using BackupFunctions.Pipeline.Processes;
using Npgsql;

namespace BackupFunctions.Workflows.Operations;

/// <summary>
/// The roles one database uses, read from the source when a full backup is taken and stored as a comment in the
/// backup's globals: a restore then recreates only those (and their members), not every role of the source cluster.
/// </summary>
public static class DatabaseRoleUsage
{
    /// <summary>The comment line's prefix; what follows are role identifiers (quote_ident), separated by spaces.</summary>
    public const string Marker = "-- BackupFunctions roles used by the database:";

    // pg_shdepend has every owner, ACL grantee and policy role of the database's objects, and (dbid 0) the database's
    // own owner and grantees; ALTER ROLE ... IN DATABASE settings are in pg_db_role_setting. The bootstrap superuser
    // (oid 10) is pinned, so its objects are not recorded there: it is always counted.
    private const string Sql = """
        WITH db AS (SELECT oid FROM pg_database WHERE datname = current_database())
        SELECT quote_ident(r.rolname) FROM pg_roles r
        WHERE r.oid = 10
           OR r.oid IN (SELECT d.refobjid FROM pg_shdepend d, db
                        WHERE d.refclassid = 'pg_authid'::regclass
                          AND (d.dbid = db.oid OR (d.dbid = 0 AND d.classid = 'pg_database'::regclass AND d.objid = db.oid)))
           OR r.oid IN (SELECT s.setrole FROM pg_db_role_setting s, db WHERE s.setdatabase = db.oid)
        ORDER BY r.rolname
        """;

    /// <summary>The marker line for <paramref name="database"/>'s roles.</summary>
    public static async Task<string> MarkerLineAsync(PgConnectionInfo database, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(database.ToNpgsqlConnectionString());
        await conn.OpenAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(Sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var roles = new List<string>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            roles.Add(reader.GetString(0));
        }

        return $"{Marker} {string.Join(' ', roles)}";
    }
}
