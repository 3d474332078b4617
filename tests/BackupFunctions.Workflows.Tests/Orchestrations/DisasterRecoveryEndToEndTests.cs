using System.Diagnostics;
using Microsoft.DurableTask.Client;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Tests.Support;
using Npgsql;
using Xunit.Abstractions;

namespace BackupFunctions.Workflows.Tests.Orchestrations;

/// <summary>
/// The DR acceptance: back up, lose the source database AND the control database, then recover onto
/// a fresh server of another major with nothing but the targets' settings (and the key), on a new
/// ephemeral engine store with an empty catalog.
/// </summary>
public sealed class DisasterRecoveryEndToEndTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Recovers_onto_a_fresh_server_after_the_source_and_control_databases_are_gone()
    {
        var source = await TempDatabase.CreateAsync("dr_src");
        await Sql.LoadTextAsync(source.Name, SmallDatabaseFixture.Script);
        var sourceCounts = await Sql.RowCountsAsync(source.Name);
        await using var targets = await ThreeTargets.CreateAsync(source.Name);

        // Back up with the normal control database.
        string backupId;
        string controlDatabase;
        var engine = await EngineHarness.StartAsync(targets.Options);
        try
        {
            var backup = await engine.RunAsync(OrchestrationNames.FullBackup, new BackupRequest());
            Assert.Equal(OrchestrationRuntimeStatus.Completed, backup.RuntimeStatus);
            backupId = backup.ReadOutputAs<BackupRunSummary>()!.BackupId;
            controlDatabase = new NpgsqlConnectionStringBuilder(engine.ControlConnectionString).Database!;
        }
        finally
        {
            await engine.DisposeAsync(); // stops the in-memory engine (its state goes with it) and drops the control database (the catalog)
        }

        // The disaster: both databases are gone.
        await source.DisposeAsync();
        Assert.False(await Sql.DatabaseExistsAsync(source.Name));
        Assert.False(await Sql.DatabaseExistsAsync(controlDatabase));

        // A fresh server of another major; it has never seen the data or its roles.
        await using var fresh = await EmbeddedPostgres.StartAsync(16);
        var freshServer = new NpgsqlConnectionStringBuilder { Host = fresh.Host, Port = fresh.Port, Username = EmbeddedPostgres.User }.ConnectionString;

        // Only the targets' settings and the key: no source, no control database of the old installation.
        var recoveryOptions = new BackupFunctionsOptions
        {
            Keys = targets.Options.Keys,
            StagingDirectory = targets.Options.StagingDirectory,
            Targets = targets.Options.Targets,
            DisasterRecovery = new DisasterRecoveryOptions
            {
                PostChecks = [new PostCheckOptions { Name = "orders have customers", Sql = "SELECT bool_and(c.id IS NOT NULL) FROM shop.orders o LEFT JOIN shop.customers c ON c.id = o.customer_id" }],
            },
        };
        await using var ephemeral = await EngineHarness.StartAsync(recoveryOptions);
        Assert.Empty(await ephemeral.Catalog.ListRestoresAsync());

        var clock = Stopwatch.StartNew();
        var run = await ephemeral.RunAsync(OrchestrationNames.DisasterRecovery, new DisasterRecoveryRequest
        {
            Database = source.Name,
            TargetConnectionString = freshServer, // no password, no database: the backup's database is created
            SkipApproval = true,
        });
        clock.Stop();

        Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, run.FailureDetails?.ErrorMessage);
        var report = run.ReadOutputAs<DisasterRecoveryReport>()!;
        Assert.Equal(backupId, report.BackupId);
        Assert.Equal(source.Name, report.TargetDatabase);
        Assert.StartsWith("16.", report.TargetServerVersion);
        Assert.Empty(report.Mismatches);
        Assert.True(report.RtoMet);

        await using var conn = new NpgsqlConnection(fresh.ConnectionString(source.Name));
        await conn.OpenAsync();
        var restoredCounts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in sourceCounts.Keys)
        {
            var parts = table.Split('.', 2);
            await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM \"{parts[0]}\".\"{parts[1]}\"", conn);
            restoredCounts[table] = (long)(await cmd.ExecuteScalarAsync())!;
        }

        Assert.Equal(sourceCounts, restoredCounts);
        Assert.Equal(sourceCounts.Count, report.TablesVerified);
        Assert.Equal(sourceCounts.Values.Sum(), report.RowsVerified);
        Assert.Contains(await ephemeral.Catalog.ListRestoresAsync(), r => r.Kind == "dr" && r.Succeeded && r.BackupId == backupId);

        output.WriteLine($"Time to recover: {report.TimeToRecoverSeconds:0.00} s on the orchestration clock " +
            $"({clock.Elapsed.TotalSeconds:0.00} s wall clock), RTO {report.RtoTargetSeconds} s: {(report.RtoMet == true ? "met" : "not met")}; " +
            $"served by {report.ServedBy}, {report.TablesVerified} tables / {report.RowsVerified} rows onto PostgreSQL {report.TargetServerVersion}.");
        foreach (var step in report.Steps)
        {
            output.WriteLine($"  {step.Number}. {step.Name}: {step.Status} in {step.Seconds:0.00} s — {step.Detail}");
        }
    }
}
