using BackupFunctions.Testing;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Operations;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Tests.Orchestrations;
using BackupFunctions.Workflows.Tests.Support;
using Microsoft.DurableTask.Client;
using Npgsql;

namespace BackupFunctions.Workflows.Tests.Faults;

/// <summary>
/// The source server restarted while pg_dump runs, on a cluster of this test's own (never the shared server): pg_dump
/// loses its connection, the dump activity fails as retryable, and its next attempt dumps the restarted server. The
/// aborted attempt's streamed bytes never become a copy.
/// </summary>
public sealed class PostgresRestartTests
{
    [Fact]
    public async Task A_source_restarted_mid_dump_is_dumped_again_after_the_restart_and_the_backup_succeeds()
    {
        await using var server = await EmbeddedPostgres.StartOwnClusterAsync();
        await server.CreateDatabaseAsync("shop");
        await using (var setup = new NpgsqlConnection(server.ConnectionString("shop")))
        {
            await setup.OpenAsync();
            await using var create = new NpgsqlCommand(
                "CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 3000) g;", setup);
            await create.ExecuteNonQueryAsync();
        }

        await using var targets = await ThreeTargets.CreateAsync("shop");
        targets.Options.Source.ConnectionString = server.ConnectionString("shop");
        await using var engine = await EngineHarness.StartAsync(targets.Options, new WorkflowRetryOptions
        {
            Attempts = 3, FirstInterval = TimeSpan.FromSeconds(1), UploadAttempts = 2, UploadFirstInterval = TimeSpan.FromSeconds(1),
        });

        // pg_dump waits for its ACCESS SHARE lock on items behind this transaction, so it is mid-dump when the server restarts.
        var locker = new NpgsqlConnection(server.ConnectionString("shop"));
        await locker.OpenAsync();
        var hold = await locker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE items IN ACCESS EXCLUSIVE MODE", locker, hold))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var id = await engine.Client.ScheduleNewOrchestrationInstanceAsync(OrchestrationNames.FullBackup, new BackupRequest(), timeout.Token);
        while (!await PgDumpWaitsForLockAsync(server))
        {
            timeout.Token.ThrowIfCancellationRequested(); // a guard against a dump that never starts, not a timing assertion
            await Task.Delay(100, timeout.Token);
        }

        await server.RestartAsync(); // ends the locker's session too
        await locker.DisposeAsync();
        var meta = await engine.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        Assert.True(meta.RuntimeStatus == OrchestrationRuntimeStatus.Completed, meta.FailureDetails?.ErrorMessage);
        var summary = meta.ReadOutputAs<BackupRunSummary>()!;
        Assert.True(summary.Status == "Succeeded", $"{summary.Status}: {summary.Error}");
        Assert.True(engine.Converter.Inputs<DumpRequest>().Count >= 2, "the dump was not attempted again after the restart");
        var recorded = (await engine.Catalog.GetBackupAsync(summary.BackupId))!;
        Assert.Equal(3000, recorded.RowCounts.Single(r => r.Key.EndsWith("items", StringComparison.Ordinal)).Value);
        BackupEvidence.PublishedExactlyOn(summary, await targets.SnapshotAsync(), ThreeTargets.Local, ThreeTargets.S3, ThreeTargets.Azure);
        Assert.Empty(StagingLeftovers.In(targets.Options.StagingDirectory));
    }

    private static async Task<bool> PgDumpWaitsForLockAsync(EmbeddedPostgres server)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = 'shop' AND wait_event_type = 'Lock' AND query LIKE 'LOCK TABLE%'", connection);
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }
}
