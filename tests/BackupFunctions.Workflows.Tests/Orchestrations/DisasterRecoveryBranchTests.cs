using BackupFunctions.Testing;
using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Tests.Support;
using Microsoft.DurableTask.Client;

namespace BackupFunctions.Workflows.Tests.Orchestrations;

/// <summary>
/// The approval and RTO branches of DisasterRecoveryOrchestrator on the in-memory engine, with the real activities,
/// targets and server: the wait for "Approve" ends with its (shortened) timeout, and the time to recover counts the
/// approval wait, so a slow approval exceeds the RTO.
/// </summary>
public sealed class DisasterRecoveryBranchTests(SmallDatabaseFixture db) : IClassFixture<SmallDatabaseFixture>
{
    [Fact]
    public async Task Without_approval_the_run_fails_at_step_3_when_the_timeout_ends_records_and_alerts_and_restores_nothing()
    {
        await using var targets = await ThreeTargets.CreateAsync(db.Name);
        targets.Options.DisasterRecovery = new DisasterRecoveryOptions { ApprovalTimeout = TimeSpan.FromSeconds(3) };
        await using var engine = await EngineHarness.StartAsync(targets.Options);
        var backup = await DisasterRecoveryTests.BackUpAsync(engine);
        var target = "dr_" + Guid.NewGuid().ToString("N")[..16];

        var run = await engine.RunAsync(OrchestrationNames.DisasterRecovery,
            new DisasterRecoveryRequest { TargetConnectionString = TestServices.PgConnectionString(), TargetDatabase = target });

        Assert.Equal(OrchestrationRuntimeStatus.Failed, run.RuntimeStatus);
        Assert.Contains("step 3 (approval)", run.FailureDetails!.ErrorMessage);
        Assert.Contains("no 'Approve' event within 00:00:03", run.FailureDetails.ErrorMessage);
        var report = run.ReadCustomStatusAs<DisasterRecoveryReport>()!;
        Assert.Equal("failed", report.Status);
        Assert.Equal(DisasterRecoveryOrchestrator.StepApproval, report.CurrentStep);
        Assert.Equal([1, 2, 3], report.Steps.Select(s => s.Number));
        Assert.Equal([DisasterRecoveryStep.Done, DisasterRecoveryStep.Done, DisasterRecoveryStep.Failed], report.Steps.Select(s => s.Status));
        Assert.Contains("BackupFunctions:DisasterRecovery:ApprovalTimeout", report.Steps[2].Detail);
        Assert.True(report.Steps[2].Seconds >= 2.9, $"the approval step ended after {report.Steps[2].Seconds} s, before its 3 s timeout");
        Assert.Equal(backup.BackupId, report.BackupId);
        Assert.Null(report.ApprovedBy);

        // Nothing after the approval ran, and nothing was created on the new server.
        Assert.Empty(engine.Converter.Inputs<RestoreBackupRequest>());
        Assert.Empty(engine.Converter.Inputs<PostChecksRequest>());
        Assert.False(await Sql.DatabaseExistsAsync(target));
        Assert.Contains(await engine.Catalog.ListRestoresAsync(), r => r.Kind == "dr" && !r.Succeeded && r.BackupId == backup.BackupId && r.InstanceId == run.InstanceId);
        Assert.Contains(await engine.Catalog.ListAlertsAsync(), a => a.Code == "dr.failed" && a.Severity == "critical" && a.Message.Contains("step 3 (approval)"));
    }

    [Fact]
    public async Task A_slow_approval_counts_toward_the_rto_the_recovery_completes_with_RtoMet_false_and_a_critical_alert()
    {
        await using var targets = await ThreeTargets.CreateAsync(db.Name);
        await using var engine = await EngineHarness.StartAsync(targets.Options);
        var backup = await DisasterRecoveryTests.BackUpAsync(engine);
        var target = "dr_" + Guid.NewGuid().ToString("N")[..16];
        try
        {
            var id = await engine.Client.ScheduleNewOrchestrationInstanceAsync(OrchestrationNames.DisasterRecovery, new DisasterRecoveryRequest
            {
                TargetConnectionString = TestServices.PgConnectionString(),
                TargetDatabase = target,
                RtoTarget = TimeSpan.FromSeconds(2),
            });
            await DisasterRecoveryTests.WaitForStatusAsync(engine, id, r => r.Status == "waiting for approval");
            await Task.Delay(TimeSpan.FromSeconds(3));
            await engine.Client.RaiseEventAsync(id, DisasterRecoveryOrchestrator.ApproveEvent, "on-call");
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            var run = await engine.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

            Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, run.FailureDetails?.ErrorMessage);
            var report = run.ReadOutputAs<DisasterRecoveryReport>()!;
            Assert.Equal("succeeded", report.Status);
            Assert.Equal("on-call", report.ApprovedBy); // a plain string payload names the approver too
            Assert.Equal(2, report.RtoTargetSeconds);
            Assert.False(report.RtoMet);
            Assert.True(report.TimeToRecoverSeconds > 3, $"time to recover {report.TimeToRecoverSeconds} s does not include the approval wait");
            var approval = report.Steps.Single(s => s.Number == 3);
            Assert.Equal(DisasterRecoveryStep.Done, approval.Status);
            Assert.True(approval.Seconds >= 2.9, $"the approval step took {approval.Seconds} s");
            Assert.Contains("NOT met", report.Steps.Single(s => s.Number == 9).Detail);
            Assert.Equal(backup.RowCounts.Values.Sum(), report.RowsVerified);
            Assert.Equal(await Sql.RowCountsAsync(db.Name), await Sql.RowCountsAsync(target));
            Assert.Contains(await engine.Catalog.ListAlertsAsync(), a => a.Code == "dr.rto.exceeded" && a.Severity == "critical" && a.Message.Contains(backup.BackupId));
            Assert.Contains(await engine.Catalog.ListRestoresAsync(), r => r.Kind == "dr" && r.Succeeded && r.BackupId == backup.BackupId);
        }
        finally
        {
            await Sql.DropDatabaseAsync(target);
        }
    }
}
