using Microsoft.DurableTask.Client;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Tests.Orchestrations;
using BackupFunctions.Workflows.Tests.Support;
using Npgsql;

namespace BackupFunctions.Workflows.Tests.Merge;

/// <summary>
/// One source database with tenants acme, globex and initech, and one tenant backup of acme taken by
/// the tenant backup orchestration (a role subject to RLS, the tenant setting, --enable-row-security),
/// shared by the merge tests. Each test makes its own target database with <see cref="CreateTargetAsync"/>.
/// </summary>
public sealed class TenantMergeFixture : IAsyncLifetime
{
    private const string Password = "merge-pw";
    private readonly List<TempDatabase> _targets = [];
    private string _role = "";

    public TempDatabase Source { get; private set; } = null!;

    public ThreeTargets Targets { get; private set; } = null!;

    public CatalogEntry Backup { get; private set; } = null!;

    public BackupEnvironment Environment() => Targets.Environment();

    public async Task InitializeAsync()
    {
        _role = "merge_reader_" + Guid.NewGuid().ToString("N")[..8];
        Source = await TempDatabase.CreateAsync("mrgsrc");
        await Source.ExecuteAsync($"""
            CREATE ROLE {_role} LOGIN PASSWORD '{Password}' NOBYPASSRLS;
            {TenantMergeSchema.Ddl}
            {TenantMergeSchema.OtherTenants}
            {TenantMergeSchema.Acme}
            GRANT USAGE ON SCHEMA app TO {_role};
            GRANT SELECT ON ALL TABLES IN SCHEMA app TO {_role};
            GRANT SELECT ON ALL SEQUENCES IN SCHEMA app TO {_role};
            """);

        Targets = await ThreeTargets.CreateAsync(Source.Name);
        Targets.Options.Tenants.ConnectionString = TestServices.PgConnectionString(Source.Name, _role, Password);
        await using var engine = await EngineHarness.StartAsync(Targets.Options);
        var run = await engine.RunAsync(OrchestrationNames.TenantBackup, new BackupRequest { Kind = BackupKinds.Tenant, TenantId = "acme" });
        if (run.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
        {
            throw new InvalidOperationException($"The acme tenant backup failed: {run.FailureDetails}");
        }

        var summary = run.ReadOutputAs<BackupRunSummary>()!;
        Backup = (await TargetCatalogReader.ReadAsync(Targets.Environment().Targets, Targets.Environment().Keys, Source.Name)).Resolve(summary.BackupId);
    }

    /// <summary>A new database with the schema, globex and initech (the same rows as the source's), and <paramref name="extraSql"/>.</summary>
    public async Task<TempDatabase> CreateTargetAsync(string extraSql = "", string ddl = TenantMergeSchema.Ddl)
    {
        var db = await TempDatabase.CreateAsync("mrgdst");
        _targets.Add(db);
        await db.ExecuteAsync(ddl + "\n" + TenantMergeSchema.OtherTenants + "\n" + extraSql);
        return db;
    }

    public async Task<string> FingerprintAsync(TempDatabase db, string where) =>
        (await db.ScalarAsync<string>(TenantMergeSchema.Fingerprint(where)))!;

    public async Task DisposeAsync()
    {
        foreach (var db in _targets)
        {
            await db.DisposeAsync();
        }

        await Targets.DisposeAsync();
        await Source.DisposeAsync();
        await using var conn = new NpgsqlConnection(TestServices.PgConnectionString());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP ROLE IF EXISTS {_role}", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
