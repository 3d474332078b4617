using System.Text.Json;
using Microsoft.DurableTask.Client;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Tests.Support;

namespace BackupFunctions.Workflows.Tests.Orchestrations;

/// <summary>DisasterRecoveryOrchestrator on the real engine, three real targets and a real server.</summary>
public sealed class DisasterRecoveryTests(SmallDatabaseFixture db) : IClassFixture<SmallDatabaseFixture>
{
    [Fact]
    public async Task Waits_for_approval_before_restoring_then_verifies_checks_and_calls_the_cutover_webhook()
    {
        await using var targets = await ThreeTargets.CreateAsync(db.Name);
        await using var webhook = new HttpSink();
        var options = targets.Options;
        options.DisasterRecovery = new DisasterRecoveryOptions
        {
            CutoverWebhookUrl = webhook.BaseUrl + "cutover/",
            PostChecks =
            [
                new PostCheckOptions { Name = "customers present", Sql = "SELECT count(*) = 2000 FROM shop.customers" },
                new PostCheckOptions { Name = "orders reference customers", Sql = "SELECT NOT EXISTS (SELECT 1 FROM shop.orders o LEFT JOIN shop.customers c ON c.id = o.customer_id WHERE c.id IS NULL)" },
            ],
        };
        await using var engine = await EngineHarness.StartAsync(options);
        var backup = await BackUpAsync(engine);
        var target = NewDatabaseName();
        try
        {
            var id = await engine.Client.ScheduleNewOrchestrationInstanceAsync(OrchestrationNames.DisasterRecovery,
                new DisasterRecoveryRequest { TargetConnectionString = TestServices.PgConnectionString(), TargetDatabase = target });

            var waiting = await WaitForStatusAsync(engine, id, r => r.Status == "waiting for approval");
            Assert.Equal(DisasterRecoveryOrchestrator.StepApproval, waiting.CurrentStep);
            Assert.Equal(DisasterRecoveryStep.Waiting, waiting.Steps.Last().Status);
            Assert.Equal(backup.BackupId, waiting.BackupId);
            Assert.Equal([DisasterRecoveryStep.Done, DisasterRecoveryStep.Done], waiting.Steps.Take(2).Select(s => s.Status));
            Assert.All(waiting.Steps.Take(2), s => Assert.NotNull(s.Seconds));
            Assert.False(await Sql.DatabaseExistsAsync(target));
            Assert.Empty(webhook.Requests);

            await engine.Client.RaiseEventAsync(id, "approve", new { by = "on-call" });
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            var run = await engine.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

            Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, run.FailureDetails?.ErrorMessage);
            var report = run.ReadOutputAs<DisasterRecoveryReport>()!;
            Assert.Equal("succeeded", report.Status);
            Assert.Equal("on-call", report.ApprovedBy);
            Assert.Equal(backup.BackupId, report.BackupId);
            Assert.Contains(report.ServedBy, report.FoundIn);
            Assert.Equal(backup.RowCounts.Count, report.TablesVerified);
            Assert.Equal(backup.RowCounts.Values.Sum(), report.RowsVerified);
            Assert.Empty(report.Mismatches);
            Assert.Equal(await Sql.RowCountsAsync(db.Name), await Sql.RowCountsAsync(target));
            Assert.Equal(["customers present", "orders reference customers"], report.PostChecks.Select(c => c.Name));
            Assert.All(report.PostChecks, c => Assert.True(c.Passed, c.Error));
            Assert.Equal(new[] { 1, 2, 3, 4, 6, 7, 8, 9 }, report.Steps.Select(s => s.Number));
            Assert.All(report.Steps, s => Assert.Equal(DisasterRecoveryStep.Done, s.Status));
            Assert.True(report.RtoMet);
            var cutoverDone = report.Steps.Single(s => s.Number == 8).CompletedAt!.Value;
            Assert.Equal(Math.Round((cutoverDone - report.StartedAt).TotalSeconds, 2), report.TimeToRecoverSeconds);
            Assert.All(report.Steps, s => Assert.InRange(s.StartedAt, report.StartedAt, s.CompletedAt!.Value));
            Assert.All(report.Steps, s => Assert.InRange(s.CompletedAt!.Value, s.StartedAt, report.CompletedAt!.Value));
            Assert.Equal(3600, report.RtoTargetSeconds);

            Assert.True(report.Cutover!.Called);
            Assert.Equal(200, report.Cutover.StatusCode);
            var request = Assert.Single(webhook.Requests);
            Assert.Equal("POST", request.Method);
            Assert.Equal("/cutover/", request.Path);
            var posted = JsonSerializer.Deserialize<DisasterRecoveryReport>(request.Text, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
            Assert.Equal(backup.BackupId, posted.BackupId);
            Assert.Equal(report.RowsVerified, posted.RowsVerified);
            Assert.Equal(2, posted.PostChecks.Count);

            Assert.Contains(await engine.Catalog.ListRestoresAsync(), r => r.Kind == "dr" && r.Succeeded && r.BackupId == backup.BackupId && r.TargetDatabase == target);
            Assert.DoesNotContain(await engine.Catalog.ListAlertsAsync(), a => a.Code.StartsWith("dr.", StringComparison.Ordinal));
        }
        finally
        {
            await Sql.DropDatabaseAsync(target);
        }
    }

    [Fact]
    public async Task Skip_approval_restores_at_once_and_a_failing_post_check_fails_the_run_naming_the_check()
    {
        await using var targets = await ThreeTargets.CreateAsync(db.Name);
        await using var webhook = new HttpSink();
        var options = targets.Options;
        options.DisasterRecovery = new DisasterRecoveryOptions
        {
            CutoverWebhookUrl = webhook.BaseUrl + "cutover/",
            PostChecks =
            [
                new PostCheckOptions { Name = "events present", Sql = "SELECT count(*) > 0 FROM audit.\"Events\"" },
                new PostCheckOptions { Name = "no orders over 1000", Sql = "SELECT max(total) <= 1000 AND count(*) = 0 FROM shop.orders" },
            ],
        };
        await using var engine = await EngineHarness.StartAsync(options);
        var backup = await BackUpAsync(engine);
        var target = NewDatabaseName();
        try
        {
            var run = await engine.RunAsync(OrchestrationNames.DisasterRecovery,
                new DisasterRecoveryRequest { TargetConnectionString = TestServices.PgConnectionString(), TargetDatabase = target, SkipApproval = true });

            Assert.Equal(OrchestrationRuntimeStatus.Failed, run.RuntimeStatus);
            var message = run.FailureDetails!.ErrorMessage;
            Assert.Contains("step 7 (post-restore checks)", message);
            Assert.Contains("'no orders over 1000'", message);
            Assert.DoesNotContain("'events present'", message);

            var status = run.ReadCustomStatusAs<DisasterRecoveryReport>()!;
            Assert.Equal("failed", status.Status);
            Assert.Equal(DisasterRecoveryStep.Skipped, status.Steps.Single(s => s.Number == 3).Status);
            Assert.Equal(DisasterRecoveryStep.Failed, status.Steps.Last().Status);
            Assert.Equal(7, status.Steps.Last().Number);
            Assert.Equal(backup.RowCounts.Values.Sum(), status.RowsVerified);
            Assert.True(status.PostChecks.Single(c => c.Name == "events present").Passed);
            Assert.False(status.PostChecks.Single(c => c.Name == "no orders over 1000").Passed);

            Assert.Empty(webhook.Requests);
            Assert.Contains(await engine.Catalog.ListAlertsAsync(), a => a.Code == "dr.failed" && a.Severity == "critical" && a.Message.Contains("no orders over 1000"));
            Assert.Contains(await engine.Catalog.ListRestoresAsync(), r => r.Kind == "dr" && !r.Succeeded && r.BackupId == backup.BackupId);
        }
        finally
        {
            await Sql.DropDatabaseAsync(target);
        }
    }

    [Fact]
    public async Task A_non_2xx_cutover_webhook_fails_the_run_at_the_cutover_step()
    {
        await using var targets = await ThreeTargets.CreateAsync(db.Name);
        await using var webhook = new HttpSink();
        webhook.AnswerNext(503);
        var options = targets.Options;
        options.DisasterRecovery = new DisasterRecoveryOptions { CutoverWebhookUrl = webhook.BaseUrl + "cutover/" };
        await using var engine = await EngineHarness.StartAsync(options);
        await BackUpAsync(engine);
        var target = NewDatabaseName();
        try
        {
            var run = await engine.RunAsync(OrchestrationNames.DisasterRecovery,
                new DisasterRecoveryRequest { TargetConnectionString = TestServices.PgConnectionString(), TargetDatabase = target, SkipApproval = true });

            Assert.Equal(OrchestrationRuntimeStatus.Failed, run.RuntimeStatus);
            Assert.Contains("step 8 (cutover webhook)", run.FailureDetails!.ErrorMessage);
            Assert.Contains("503", run.FailureDetails.ErrorMessage);
            Assert.Single(webhook.Requests);
        }
        finally
        {
            await Sql.DropDatabaseAsync(target);
        }
    }

    [Fact]
    public async Task An_unreachable_cutover_webhook_fails_the_run_at_the_cutover_step_naming_it()
    {
        await using var targets = await ThreeTargets.CreateAsync(db.Name);
        var options = targets.Options;
        options.DisasterRecovery = new DisasterRecoveryOptions { CutoverWebhookUrl = "http://127.0.0.1:1/hook?token=secret" };
        await using var engine = await EngineHarness.StartAsync(options);
        await BackUpAsync(engine);
        var target = NewDatabaseName();
        try
        {
            var run = await engine.RunAsync(OrchestrationNames.DisasterRecovery,
                new DisasterRecoveryRequest { TargetConnectionString = TestServices.PgConnectionString(), TargetDatabase = target, SkipApproval = true });

            Assert.Equal(OrchestrationRuntimeStatus.Failed, run.RuntimeStatus);
            Assert.Contains("step 8 (cutover webhook)", run.FailureDetails!.ErrorMessage);
            Assert.Contains("http://127.0.0.1:1/hook could not be reached", run.FailureDetails.ErrorMessage);
            Assert.DoesNotContain("secret", run.FailureDetails.ErrorMessage);
        }
        finally
        {
            await Sql.DropDatabaseAsync(target);
        }
    }

    [Fact]
    public async Task No_approval_within_the_timeout_fails_clearly_and_restores_nothing()
    {
        await using var targets = await ThreeTargets.CreateAsync(db.Name);
        var options = targets.Options;
        options.DisasterRecovery = new DisasterRecoveryOptions { ApprovalTimeout = TimeSpan.FromSeconds(2) };
        await using var engine = await EngineHarness.StartAsync(options);
        await BackUpAsync(engine);
        var target = NewDatabaseName();

        var run = await engine.RunAsync(OrchestrationNames.DisasterRecovery,
            new DisasterRecoveryRequest { TargetConnectionString = TestServices.PgConnectionString(), TargetDatabase = target });

        Assert.Equal(OrchestrationRuntimeStatus.Failed, run.RuntimeStatus);
        Assert.Contains("step 3 (approval)", run.FailureDetails!.ErrorMessage);
        Assert.Contains("no 'Approve' event within", run.FailureDetails.ErrorMessage);
        Assert.False(await Sql.DatabaseExistsAsync(target));
    }

    [Fact]
    public async Task Preflight_refuses_a_role_without_createdb_naming_the_right()
    {
        await using var targets = await ThreeTargets.CreateAsync(db.Name);
        await using var engine = await EngineHarness.StartAsync(targets.Options);
        await BackUpAsync(engine);
        var role = "dr_weak_" + Guid.NewGuid().ToString("N")[..8];
        await Sql.LoadTextAsync("postgres", $"CREATE ROLE {role} LOGIN PASSWORD 'weak' NOCREATEDB NOCREATEROLE");
        try
        {
            var run = await engine.RunAsync(OrchestrationNames.DisasterRecovery, new DisasterRecoveryRequest
            {
                TargetConnectionString = TestServices.PgConnectionString(user: role, password: "weak"),
                TargetDatabase = NewDatabaseName(),
                SkipApproval = true,
            });

            Assert.Equal(OrchestrationRuntimeStatus.Failed, run.RuntimeStatus);
            Assert.Contains("step 2 (preflight new server)", run.FailureDetails!.ErrorMessage);
            Assert.Contains("CREATEDB and CREATEROLE", run.FailureDetails.ErrorMessage);
        }
        finally
        {
            await Sql.LoadTextAsync("postgres", $"DROP ROLE IF EXISTS {role}");
        }
    }

    [Fact]
    public async Task An_unreachable_new_server_fails_the_preflight_step_clearly()
    {
        await using var targets = await ThreeTargets.CreateAsync(db.Name);
        await using var engine = await EngineHarness.StartAsync(targets.Options);
        await BackUpAsync(engine);

        var run = await engine.RunAsync(OrchestrationNames.DisasterRecovery, new DisasterRecoveryRequest
        {
            TargetConnectionString = "Host=127.0.0.1;Port=1;Username=postgres;Timeout=3",
            TargetDatabase = NewDatabaseName(),
            SkipApproval = true,
        });

        Assert.Equal(OrchestrationRuntimeStatus.Failed, run.RuntimeStatus);
        Assert.Contains("step 2 (preflight new server)", run.FailureDetails!.ErrorMessage);
        Assert.Contains("postgres@127.0.0.1:1 is not reachable", run.FailureDetails.ErrorMessage);
        Assert.Contains(await engine.Catalog.ListAlertsAsync(), a => a.Code == "dr.failed" && a.Severity == "critical");
    }

    [Fact]
    public async Task An_exceeded_rto_completes_the_recovery_but_raises_a_critical_alert()
    {
        await using var targets = await ThreeTargets.CreateAsync(db.Name);
        await using var engine = await EngineHarness.StartAsync(targets.Options);
        var backup = await BackUpAsync(engine);
        var target = NewDatabaseName();
        try
        {
            var run = await engine.RunAsync(OrchestrationNames.DisasterRecovery, new DisasterRecoveryRequest
            {
                TargetConnectionString = TestServices.PgConnectionString(),
                TargetDatabase = target,
                SkipApproval = true,
                RtoTarget = TimeSpan.FromMilliseconds(1),
            });

            Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, run.FailureDetails?.ErrorMessage);
            var report = run.ReadOutputAs<DisasterRecoveryReport>()!;
            Assert.Equal("succeeded", report.Status);
            Assert.False(report.RtoMet);
            Assert.Equal(0.001, report.RtoTargetSeconds);
            Assert.Equal(backup.RowCounts.Values.Sum(), report.RowsVerified);
            Assert.Equal(DisasterRecoveryStep.Skipped, report.Steps.Single(s => s.Number == 8).Status);
            Assert.Contains(await engine.Catalog.ListAlertsAsync(), a => a.Code == "dr.rto.exceeded" && a.Severity == "critical" && a.Message.Contains(backup.BackupId));
        }
        finally
        {
            await Sql.DropDatabaseAsync(target);
        }
    }

    [Fact]
    public void The_request_validator_rejects_a_password_and_a_missing_server()
    {
        Assert.Contains(RequestValidator.Validate(new DisasterRecoveryRequest()), e => e.StartsWith("targetConnectionString is required", StringComparison.Ordinal));
        Assert.Contains(RequestValidator.Validate(new DisasterRecoveryRequest { TargetConnectionString = "Host=h;Username=u;Password=secret" }),
            e => e.Contains("must not contain a password"));
        Assert.Contains(RequestValidator.Validate(new DisasterRecoveryRequest { TargetConnectionString = "Host=h;Username=u", RtoTarget = TimeSpan.Zero }),
            e => e.StartsWith("rtoTarget", StringComparison.Ordinal));
        Assert.Empty(RequestValidator.Validate(new DisasterRecoveryRequest { TargetConnectionString = "Host=h;Username=u" }));
    }

    private static string NewDatabaseName() => "dr_" + Guid.NewGuid().ToString("N")[..16];

    internal sealed record TakenBackup(string BackupId, IReadOnlyDictionary<string, long> RowCounts);

    internal static async Task<TakenBackup> BackUpAsync(EngineHarness engine)
    {
        var run = await engine.RunAsync(OrchestrationNames.FullBackup, new BackupRequest());
        Assert.Equal(OrchestrationRuntimeStatus.Completed, run.RuntimeStatus);
        var id = run.ReadOutputAs<BackupRunSummary>()!.BackupId;
        var recorded = (await engine.Catalog.GetBackupAsync(id))!;
        Assert.NotEmpty(recorded.RowCounts);
        return new TakenBackup(id, recorded.RowCounts);
    }

    internal static async Task<DisasterRecoveryReport> WaitForStatusAsync(EngineHarness engine, string id, Func<DisasterRecoveryReport, bool> until)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            var meta = await engine.Client.GetInstanceAsync(id, getInputsAndOutputs: true, cts.Token);
            Assert.NotNull(meta);
            Assert.True(meta.RuntimeStatus is OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running,
                $"the run ended ({meta.RuntimeStatus}) before the expected status: {meta.FailureDetails?.ErrorMessage}");
            if (meta.ReadCustomStatusAs<DisasterRecoveryReport>() is { } report && until(report))
            {
                return report;
            }

            await Task.Delay(200, cts.Token);
        }
    }
}
