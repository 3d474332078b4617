using Npgsql;

namespace BackupFunctions.Testing;

/// <summary>
/// A multi-tenant database whose RLS policy reads current_setting('app.tenant_id'): app.orders holds
/// 100 rows of tenant "acme" and 200 of "globex", app.plans (2 rows) has no RLS. A login role without
/// BYPASSRLS can read both. The database and the role are dropped on dispose.
/// </summary>
public sealed class MultiTenantDatabase : IAsyncDisposable
{
    public const string Password = "tenant-pw";
    public const int AcmeOrders = 100;

    private MultiTenantDatabase(TempDatabase db, string role)
    {
        Database = db;
        Role = role;
    }

    public TempDatabase Database { get; }

    public string Name => Database.Name;

    /// <summary>A role subject to RLS (no BYPASSRLS, not the owner).</summary>
    public string Role { get; }

    public string RoleConnectionString => TestServices.PgConnectionString(Name, Role, Password);

    public static async Task<MultiTenantDatabase> CreateAsync(string prefix = "rls")
    {
        var role = "tenant_reader_" + Guid.NewGuid().ToString("N")[..8];
        var db = await TempDatabase.CreateAsync(prefix);
        await db.ExecuteAsync($"""
            CREATE ROLE {role} LOGIN PASSWORD '{Password}' NOBYPASSRLS;
            CREATE SCHEMA app;
            CREATE TABLE app.orders (id int PRIMARY KEY, tenant_id text NOT NULL, amount numeric NOT NULL);
            INSERT INTO app.orders SELECT g, CASE WHEN g % 3 = 0 THEN 'acme' ELSE 'globex' END, g * 1.5 FROM generate_series(1, 300) g;
            CREATE TABLE app.plans (id int PRIMARY KEY, name text NOT NULL);
            INSERT INTO app.plans VALUES (1, 'basic'), (2, 'pro');
            ALTER TABLE app.orders ENABLE ROW LEVEL SECURITY;
            CREATE POLICY tenant_isolation ON app.orders USING (tenant_id = current_setting('app.tenant_id', true));
            GRANT USAGE ON SCHEMA app TO {role};
            GRANT SELECT ON ALL TABLES IN SCHEMA app TO {role};
            """);
        return new MultiTenantDatabase(db, role);
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        await using var conn = new NpgsqlConnection(TestServices.PgConnectionString());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP ROLE IF EXISTS {Role}", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
