using BackupFunctions.Durable;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Restore;
using BackupFunctions.Workflows.Tests.Support;
using Npgsql;

namespace BackupFunctions.Workflows.Tests.Orchestrations;

/// <summary>
/// Row-level security on a multi-tenant schema whose policies read current_setting('app.tenant_id'):
/// a tenant backup holds exactly one tenant's rows, and a full backup by a role that RLS filters
/// fails loudly instead of completing with rows missing.
/// </summary>
public sealed class TenantBackupTests : IAsyncLifetime
{
    private readonly string _role = "tenant_reader_" + Guid.NewGuid().ToString("N")[..8];
    private TempDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await TempDatabase.CreateAsync("rls");
        await _db.ExecuteAsync($"""
            CREATE ROLE {_role} LOGIN PASSWORD 'tenant-pw';
            CREATE SCHEMA app;
            CREATE TABLE app.orders (id int PRIMARY KEY, tenant_id text NOT NULL, amount numeric NOT NULL);
            INSERT INTO app.orders SELECT g, CASE WHEN g % 3 = 0 THEN 'acme' ELSE 'globex' END, g * 1.5 FROM generate_series(1, 300) g;
            CREATE TABLE app.plans (id int PRIMARY KEY, name text NOT NULL);
            INSERT INTO app.plans VALUES (1, 'basic'), (2, 'pro');
            ALTER TABLE app.orders ENABLE ROW LEVEL SECURITY;
            CREATE POLICY tenant_isolation ON app.orders USING (tenant_id = current_setting('app.tenant_id', true));
            GRANT USAGE ON SCHEMA app TO {_role};
            GRANT SELECT ON ALL TABLES IN SCHEMA app TO {_role};
            """);
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        await using var conn = new NpgsqlConnection(TestServices.PgConnectionString());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP ROLE IF EXISTS {_role}", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_tenant_backup_holds_exactly_that_tenants_rows_and_restores_them_into_an_empty_database()
    {
        await using var targets = await ThreeTargets.CreateAsync(_db.Name);
        targets.Options.Tenants.ConnectionString = TestServices.PgConnectionString(_db.Name, _role, "tenant-pw");
        await using var engine = await EngineHarness.StartAsync(targets.Options);

        var run = await engine.RunAsync(OrchestrationNames.TenantBackup, new BackupRequest { Kind = BackupKinds.Tenant, TenantId = "acme" });

        Assert.Equal(OrchestrationRuntimeStatus.Completed, run.RuntimeStatus);
        var summary = run.ReadOutputAs<BackupRunSummary>()!;
        Assert.Equal("Succeeded", summary.Status);
        var manifest = (await TargetCatalogReader.ReadAsync(targets.Environment().Targets, _db.Name)).Resolve(summary.BackupId).Manifest;
        Assert.Equal("acme", manifest.TenantId);
        Assert.Equal(100, manifest.RowCounts["app.orders"]);
        Assert.Equal(2, manifest.RowCounts["app.plans"]);

        var restoredName = "rls_restored_" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            var env = targets.Environment();
            var entry = new CatalogEntry(manifest, [ThreeTargets.Local]);
            var restored = await new RestoreRunner(env).RunAsync(entry, env.Source().WithDatabase(restoredName));
            Assert.True(restored.Succeeded, restored.Error);
            await using var conn = new NpgsqlConnection(TestServices.PgConnectionString(restoredName));
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT count(*), count(*) FILTER (WHERE tenant_id = 'acme') FROM app.orders", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            await reader.ReadAsync();
            Assert.Equal(100L, reader.GetInt64(0));
            Assert.Equal(100L, reader.GetInt64(1));
        }
        finally
        {
            await Sql.DropDatabaseAsync(restoredName);
        }
    }

    [Fact]
    public async Task A_full_backup_by_a_role_that_rls_filters_fails_naming_the_role_the_table_and_the_fix()
    {
        await using var targets = await ThreeTargets.CreateAsync(_db.Name);
        targets.Options.Source.ConnectionString = TestServices.PgConnectionString(_db.Name, _role, "tenant-pw");
        await using var engine = await EngineHarness.StartAsync(targets.Options);

        var run = await engine.RunAsync(OrchestrationNames.FullBackup, new BackupRequest());

        Assert.Equal(OrchestrationRuntimeStatus.Failed, run.RuntimeStatus);
        var message = run.FailureDetails!.ToString();
        Assert.Contains(_role, message);
        Assert.Contains("app.orders", message);
        Assert.Contains("BYPASSRLS", message);
        Assert.Empty(await engine.Catalog.ListBackupsAsync());
        Assert.Contains(await engine.Catalog.ListAlertsAsync(), a => a.Code == "backup.failed" && a.Severity == "critical");
    }
}
