using BackupFunctions.Testing;
using BackupFunctions.Workflows.Catalog.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace BackupFunctions.Workflows.Tests.Catalog;

/// <summary>
/// GET /api/backups is polled (the dashboard, the load run's 500 lists/s): on a catalog of years of backups the
/// newest page must come from an index, not from reading and sorting the whole table on every call.
/// </summary>
public sealed class ListBackupsPlanTests
{
    [Fact]
    public async Task The_newest_page_of_a_large_catalog_is_read_from_an_index_without_a_sort()
    {
        await using var control = await TempDatabase.CreateAsync("listplan");
        var catalog = new PostgresBackupCatalog(control.ConnectionString);
        await catalog.EnsureSchemaAsync();
        // Five years of daily backups of 20 databases, as the catalog would hold them.
        await control.ExecuteAsync("""
            INSERT INTO bf_catalog.backups (backup_id, kind, database_name, status, created_at, stored_sha256)
            SELECT 'b' || g, 'Full', 'db' || (g % 20), 'Succeeded', now() - g * interval '1 hour' * 1.2, repeat('a', 64)
            FROM generate_series(1, 36500) g;
            ANALYZE bf_catalog.backups;
            """);

        var all = await PlanAsync(control.ConnectionString, null);
        Assert.Contains("backups_created", all);
        Assert.DoesNotContain("Seq Scan", all);
        Assert.DoesNotContain("\"Sort\"", all);

        // One database: either index will do (the planner may walk backups_created and filter); never the whole table.
        var one = await PlanAsync(control.ConnectionString, "db7");
        Assert.Contains("Index Scan", one);
        Assert.DoesNotContain("Seq Scan", one);

        // And the answer is the newest 20, newest first.
        var page = await catalog.ListBackupsAsync(null, 20);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => "b" + i), page.Select(b => b.BackupId));
    }

    /// <summary>The plan of the catalog's own statement, with its parameters bound as the catalog binds them.</summary>
    private static async Task<string> PlanAsync(string connectionString, string? database)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("EXPLAIN (FORMAT JSON) " + PostgresBackupCatalog.ListBackupsSql("bf_catalog"), conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)database ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = 20 });
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
