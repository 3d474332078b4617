using System.Globalization;
using BackupFunctions.Cli.Tests.Support;
using BackupFunctions.Workflows;
using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Pitr;
using Microsoft.DurableTask.Client;
using Npgsql;

namespace BackupFunctions.Cli.Tests.Pitr;

/// <summary>
/// The PITR orchestrations on the durable engine against a real archiving PostgreSQL 15 (archive_command is
/// <c>backupctl wal push</c>): the base backup orchestration, and the archiving check, first on a cluster that keeps
/// up, then on one whose archive_command fails.
/// </summary>
public sealed class PitrWorkflowTests(PitrEnvironment env) : IClassFixture<PitrEnvironment>
{
    [Fact]
    public async Task The_base_backup_orchestration_stores_a_signed_base_backup_and_retention_keeps_what_it_needs_to_restore()
    {
        var first = env.BaseBackup.Json.GetProperty("manifest");
        var firstId = first.GetProperty("backupId").GetString()!;
        await using var engine = await PitrEngine.StartAsync(env, o => o.Pitr.KeepBaseBackups = 1);

        var done = await engine.RunAsync(OrchestrationNames.BaseBackup, new BaseBackupRequest());

        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ToString() ?? done.SerializedOutput);
        var summary = done.ReadOutputAs<BaseBackupRunSummary>()!;
        var result = summary.Backup;
        Assert.True(result.Complete, string.Join("; ", result.Failures));
        Assert.Equal(engine.Options.Targets.Select(t => t.Name).Order(), result.Targets.Order());
        Assert.Equal(PitrEnvironment.Cluster, result.Cluster);
        // Retention on both WAL targets: the fixture's base backup and the WAL before the new one's start are gone.
        Assert.Equal(2, summary.Retention.Count);
        Assert.All(summary.Retention, r =>
        {
            Assert.Null(r.Plan.Blocked);
            Assert.Equal([firstId], r.Plan.DeletableBaseBackups);
            Assert.Equal(result.StartWalFile, r.Plan.WalCutoff);
            Assert.NotEmpty(r.Plan.DeletableWalFiles);
            Assert.All(r.Plan.DeletableWalFiles, f => Assert.True(string.CompareOrdinal(f[..24], result.StartWalFile) < 0, f));
        });
        var wal = Path.Combine(env.LocalPath, PitrKeys.WalPrefix(PitrEnvironment.Cluster));
        Assert.All(env.BatchSegments, s => Assert.False(File.Exists(Path.Combine(wal, s + ".json")), s));
        Assert.True(File.Exists(Path.Combine(wal, result.StartWalFile + ".json")));
        // Read back through the signature check, as a restore does.
        var listed = await BaseBackupCatalog.ListAsync(new BackupEnvironment(engine.Options), CancellationToken.None);
        var stored = Assert.Single(listed);
        Assert.Equal(result.BackupId, stored.BackupId);
        Assert.Equal(result.StartLsn, stored.StartLsn);
        Assert.NotNull(stored.Signature);
        Assert.Empty(await engine.Catalog.ListAlertsAsync());

        // What retention left is enough: a restore to the latest point from the new base backup has every batch.
        var dataDirectory = Path.Combine(env.Root, "restored-after-retention");
        var port = env.NextPort();
        try
        {
            var args = new List<string> { "restore", "--pitr", "latest", "--to-datadir", dataDirectory, "--port", port.ToString(CultureInfo.InvariantCulture),
                "--backupctl", PitrEnvironment.BackupctlCommand, "--timeout-minutes", "3", "--json", "--config", env.ConfigFile };
            if (ArchivingCluster.IsRoot) args.AddRange(["--run-as", "postgres"]);
            var run = await Backupctl.RunAsync([.. args]);
            Assert.True(run.ExitCode == 0, run.ToString());
            // The archiving check's test adds 3 rows of its own when it runs first.
            Assert.InRange(run.Json.GetProperty("rowCounts").GetProperty("public.items").GetInt64(),
                PitrEnvironment.Batches * PitrEnvironment.RowsPerBatch, PitrEnvironment.Batches * PitrEnvironment.RowsPerBatch + 3);
        }
        finally
        {
            await ArchivingCluster.StopAsync(dataDirectory);
        }
    }

    [Fact]
    public async Task The_archiving_check_raises_one_alert_per_server_when_archive_command_fails_and_segments_pile_up()
    {
        await using var engine = await PitrEngine.StartAsync(env, o => o.Pitr.MaxPendingSegments = 2);
        var host = $"127.0.0.1:{env.SourcePort}";

        var healthy = await engine.RunAsync(OrchestrationNames.WalArchivingCheck, null);
        Assert.True(healthy.RuntimeStatus == OrchestrationRuntimeStatus.Completed, healthy.FailureDetails?.ToString());
        var report = healthy.ReadOutputAs<WalArchivingReport>()!;
        Assert.True(report.Problems.Count == 0, string.Join(" ", report.Problems));
        Assert.Equal(host, report.Host);
        Assert.All(report.Targets, t => Assert.True(t.NewestSegment is not null && t.SegmentsBehindServer == 0, $"{t.Target}: {t.NewestSegment}, {t.SegmentsBehindServer} behind"));
        Assert.Empty(await engine.Catalog.ListAlertsAsync());

        var original = await env.Source.ScalarAsync<string>("SHOW archive_command");
        try
        {
            await SetArchiveCommandAsync("false");
            var failuresBefore = await env.Source.ScalarAsync<long>("SELECT failed_count FROM pg_stat_archiver");
            for (var i = 0; i < 3; i++)
            {
                await ExecuteAsync($"INSERT INTO items (id, batch) VALUES ({50_000 + i}, 50)");
                await env.Source.ScalarAsync<string>("SELECT pg_walfile_name(pg_switch_wal())");
            }

            await WaitAsync(async () => await env.Source.ScalarAsync<long>("SELECT failed_count FROM pg_stat_archiver") > failuresBefore);

            var first = (await engine.RunAsync(OrchestrationNames.WalArchivingCheck, null)).ReadOutputAs<WalArchivingReport>()!;
            var second = (await engine.RunAsync(OrchestrationNames.WalArchivingCheck, null)).ReadOutputAs<WalArchivingReport>()!;

            Assert.True(first.Failing);
            Assert.True(first.PendingSegments >= 2, $"pending {first.PendingSegments}");
            Assert.Contains(first.Problems, p => p.Contains("archive_command is failing", StringComparison.Ordinal));
            Assert.Contains(first.Problems, p => p.Contains("waiting to be archived", StringComparison.Ordinal));
            Assert.True(second.Failing);
            var alert = Assert.Single(await engine.Catalog.ListAlertsAsync());
            Assert.Equal("critical", alert.Severity);
            Assert.Equal("pitr.archiving.failing", alert.Code);
            Assert.Contains(host, alert.Message);
            Assert.Equal(2, alert.Occurrences);
        }
        finally
        {
            await SetArchiveCommandAsync(original);
        }
    }

    private async Task SetArchiveCommandAsync(string command)
    {
        await ExecuteAsync($"ALTER SYSTEM SET archive_command = '{command.Replace("'", "''")}'");
        await ExecuteAsync("SELECT pg_reload_conf()");
        await WaitAsync(async () => await env.Source.ScalarAsync<string>("SHOW archive_command") == command);
    }

    /// <summary>Polls a condition the server reaches on its own (a guard against a hang, not a timing assertion).</summary>
    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var guard = DateTime.UtcNow.AddMinutes(2);
        while (!await condition())
        {
            if (DateTime.UtcNow > guard) throw new TimeoutException("The server did not reach the expected state within 2 minutes.");
            await Task.Delay(200);
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(env.Source.ConnectionString());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
