using Npgsql;

namespace BackupFunctions.Workflows.Catalog.Postgres;

/// <summary>
/// Runs idempotent DDL in the control database's schema under one advisory lock per schema. The catalog, the admission
/// slots and the schedule claims each create that schema and their tables on first use, and concurrent
/// <c>CREATE ... IF NOT EXISTS</c> statements still collide on the system catalogs' unique indexes (23505), so they
/// must all wait on the same lock, not one lock each.
/// </summary>
public static class ControlSchemaDdl
{
    /// <summary>Runs <paramref name="ddl"/> in its own transaction while holding the schema's DDL lock.</summary>
    public static async Task ApplyAsync(NpgsqlConnection conn, string schema, string ddl, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('bf-control-ddl:' || $1, 0))", conn, tx))
        {
            lockCmd.Parameters.Add(new NpgsqlParameter { Value = schema });
            await lockCmd.ExecuteNonQueryAsync(ct);
        }

        await using (var cmd = new NpgsqlCommand(ddl, conn, tx))
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
    }
}
