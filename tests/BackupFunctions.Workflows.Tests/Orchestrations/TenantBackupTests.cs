using Microsoft.DurableTask.Client;
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
    private MultiTenantDatabase _db = null!;

    private string Role => _db.Role;

    public async Task InitializeAsync() => _db = await MultiTenantDatabase.CreateAsync("rls");

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_tenant_backup_holds_exactly_that_tenants_rows_and_restores_them_into_an_empty_database()
    {
        await using var targets = await ThreeTargets.CreateAsync(_db.Name);
        targets.Options.Tenants.ConnectionString = _db.RoleConnectionString;
        await using var engine = await EngineHarness.StartAsync(targets.Options);

        var run = await engine.RunAsync(OrchestrationNames.TenantBackup, new BackupRequest { Kind = BackupKinds.Tenant, TenantId = "acme" });

        Assert.Equal(OrchestrationRuntimeStatus.Completed, run.RuntimeStatus);
        var summary = run.ReadOutputAs<BackupRunSummary>()!;
        Assert.Equal("Succeeded", summary.Status);
        var manifest = (await TargetCatalogReader.ReadAsync(targets.Environment().Targets, targets.Environment().Keys, _db.Name)).Resolve(summary.BackupId).Manifest;
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
        targets.Options.Source.ConnectionString = _db.RoleConnectionString;
        await using var engine = await EngineHarness.StartAsync(targets.Options);

        var run = await engine.RunAsync(OrchestrationNames.FullBackup, new BackupRequest());

        Assert.Equal(OrchestrationRuntimeStatus.Failed, run.RuntimeStatus);
        var message = run.FailureDetails!.ToString();
        Assert.Contains(Role, message);
        Assert.Contains("app.orders", message);
        Assert.Contains("BYPASSRLS", message);
        Assert.Empty(await engine.Catalog.ListBackupsAsync());
        Assert.Contains(await engine.Catalog.ListAlertsAsync(), a => a.Code == "backup.failed" && a.Severity == "critical");
    }
}
