using System.Globalization;
using Microsoft.DurableTask;
using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;

namespace BackupFunctions.Workflows.Orchestrations;

/// <summary>
/// Recovers a database onto a new server: choose the backup, preflight the server, wait for
/// approval, download and restore (streamed, with target fallback), verify tables and row counts,
/// run the post-restore checks, call the cutover webhook, and report the time to recover against
/// the RTO. Each step is in the custom status with its timing. It needs only the targets' settings
/// (the backup is found from the targets' manifests), so it runs on an ephemeral store when the
/// control database is gone. A failure raises a critical alert and fails the run naming the step.
/// </summary>
[DurableTask(OrchestrationNames.DisasterRecovery)]
public sealed class DisasterRecoveryOrchestrator(WorkflowRetries retries, BackupFunctionsOptions options)
    : TaskOrchestrator<DisasterRecoveryRequest, DisasterRecoveryReport>
{
    /// <summary>The external event that approves the restore (case-insensitive).</summary>
    public const string ApproveEvent = "Approve";

    public const string StepChoose = "choose backup";
    public const string StepPreflight = "preflight new server";
    public const string StepApproval = "approval";
    public const string StepRestore = "download and restore";
    public const string StepVerify = "verify tables and row counts";
    public const string StepPostChecks = "post-restore checks";
    public const string StepCutover = "cutover webhook";
    public const string StepReport = "report time to recover";

    public override async Task<DisasterRecoveryReport> RunAsync(TaskOrchestrationContext context, DisasterRecoveryRequest input)
    {
        var report = new DisasterRecoveryReport
        {
            StartedAt = context.CurrentUtcDateTime,
            RtoTargetSeconds = input.RtoTarget.TotalSeconds,
        };
        var steps = new StepTracker(context, report);
        try
        {
            await RecoverAsync(context, input, report, steps);
        }
        catch (StepFailedException e)
        {
            report.Status = "failed";
            report.Error = e.Message;
            report.CompletedAt = context.CurrentUtcDateTime;
            context.SetCustomStatus(report);
            await RecordAsync(context, input, report, succeeded: false);
            await AlertAsync(context, "critical", "dr.failed", $"Disaster recovery {context.InstanceId} failed: {e.Message}");
            throw new InvalidOperationException($"Disaster recovery failed at {e.Message}");
        }

        return report;
    }

    private async Task RecoverAsync(TaskOrchestrationContext context, DisasterRecoveryRequest input, DisasterRecoveryReport report, StepTracker steps)
    {
        // 1. The newest verified backup, or the given one, from the targets' manifests.
        steps.Begin(1, StepChoose, input.BackupId);
        var backup = await steps.CallAsync<ResolvedBackup>(nameof(ResolveBackup),
            new RestoreRequest { BackupId = input.BackupId, Database = input.Database }, retries.Default);
        report.BackupId = backup.Manifest.BackupId;
        report.SourceDatabase = backup.Manifest.Database;
        report.BackupCreatedAt = backup.Manifest.CreatedAt;
        report.FoundIn = backup.FoundIn.ToList();
        steps.Done($"{backup.Manifest.BackupId} of {backup.Manifest.Database} taken {backup.Manifest.CreatedAt:u}, verified on {string.Join(", ", backup.FoundIn)}");

        // 2. The new server: reachable, version, rights.
        var database = TargetDatabase(input, backup);
        report.TargetDatabase = database;
        steps.Begin(2, StepPreflight, database);
        if (database is null)
        {
            steps.Fail("no target database: give targetDatabase, a Database in the connection string, or a backup that names its database");
        }

        var preflight = await steps.CallAsync<RestoreTargetPreflight>(nameof(PreflightRestoreTarget),
            new RestoreTargetPreflightRequest(input.TargetConnectionString, database!), retries.Default);
        report.TargetServer = preflight.Server;
        report.TargetServerVersion = preflight.ServerVersion;
        steps.Done($"{preflight.Server} runs PostgreSQL {preflight.ServerVersion} as '{preflight.Role}'" +
            (preflight.Warnings.Count > 0 ? "; " + string.Join("; ", preflight.Warnings) : ""));

        // 3. A person approves, unless the caller explicitly skipped it.
        steps.Begin(3, StepApproval, null);
        if (input.SkipApproval)
        {
            steps.Skip("skipped by the request (skipApproval)");
        }
        else
        {
            var timeout = options.DisasterRecovery.ApprovalTimeout;
            steps.Wait($"waiting for the '{ApproveEvent}' event (times out after {timeout})");
            System.Text.Json.JsonElement? approval;
            try
            {
                approval = await context.WaitForExternalEvent<System.Text.Json.JsonElement?>(ApproveEvent, timeout);
            }
            catch (TaskCanceledException)
            {
                steps.Fail($"no '{ApproveEvent}' event within {timeout} (BackupFunctions:DisasterRecovery:ApprovalTimeout); nothing was restored");
                return;
            }

            report.ApprovedBy = ApprovedBy(approval);
            report.Status = "running";
            steps.Done(report.ApprovedBy is { } by ? $"approved by {by}" : "approved");
        }

        // 4 + 5. Download from the best target and restore: one streamed activity, with fallback to the next verified copy.
        steps.Begin(4, StepRestore, $"from {string.Join(" / ", backup.FoundIn)}");
        var restoreRequest = new RestoreRequest
        {
            BackupId = backup.Manifest.BackupId,
            Database = input.Database,
            TargetConnectionString = input.TargetConnectionString,
            TargetDatabase = database,
        };
        var summary = await steps.CallAsync<RestoreRunSummary>(nameof(RestoreBackup), new RestoreBackupRequest(backup, restoreRequest), retries.Default);
        report.ServedBy = summary.ServedBy;
        if (!summary.Succeeded && summary.Mismatches.Count == 0)
        {
            steps.Fail(summary.Error ?? "the restore did not succeed");
        }

        steps.Done($"served by {summary.ServedBy}, {summary.Seconds.ToString(CultureInfo.InvariantCulture)} s");

        // 6. Every table and its row count against the manifest (compared by the restore).
        steps.Begin(6, StepVerify, null);
        report.TablesVerified = summary.TablesCompared;
        report.RowsVerified = summary.RowsRestored;
        report.Mismatches = summary.Mismatches.ToList();
        if (!summary.Succeeded)
        {
            steps.Fail($"row counts differ from the manifest: {string.Join("; ", summary.Mismatches)}");
        }

        steps.Done($"{summary.TablesCompared} tables, {summary.RowsRestored} rows equal to the manifest");

        // 7. The configured post-restore checks.
        steps.Begin(7, StepPostChecks, null);
        var checks = await steps.CallAsync<List<PostCheckResult>>(nameof(RunPostChecks),
            new PostChecksRequest(input.TargetConnectionString, database!), retries.Default);
        report.PostChecks = checks;
        var failed = checks.Where(c => !c.Passed).ToList();
        if (failed.Count > 0)
        {
            steps.Fail($"post-restore check(s) failed: {string.Join("; ", failed.Select(c => $"'{c.Name}': {c.Error}"))}");
        }

        if (checks.Count == 0)
        {
            steps.Skip("none configured");
        }
        else
        {
            steps.Done($"{checks.Count} passed: {string.Join(", ", checks.Select(c => c.Name))}");
        }

        // 8. Cutover: the webhook gets the report so far.
        steps.Begin(8, StepCutover, null);
        var cutover = await steps.CallAsync<CutoverResult>(nameof(CallCutoverWebhook), report, retries.Default);
        report.Cutover = cutover;
        if (!cutover.Succeeded)
        {
            steps.Fail(cutover.Error ?? "the cutover webhook failed");
        }

        if (cutover.Called)
        {
            steps.Done($"{cutover.Url} answered {cutover.StatusCode}");
        }
        else
        {
            steps.Skip("BackupFunctions:DisasterRecovery:CutoverWebhookUrl is not set");
        }

        // 9. Time to recover (orchestration clock, from the start, approval included, to the end of cutover) against the RTO.
        steps.Begin(9, StepReport, null);
        var now = context.CurrentUtcDateTime;
        var ttr = now - report.StartedAt;
        report.TimeToRecoverSeconds = Math.Round(ttr.TotalSeconds, 2);
        report.RtoMet = ttr <= input.RtoTarget;
        if (report.RtoMet == false)
        {
            await AlertAsync(context, "critical", "dr.rto.exceeded",
                $"Disaster recovery {context.InstanceId} of {report.BackupId} took {ttr} (RTO target {input.RtoTarget}).");
        }

        await RecordAsync(context, input, report, succeeded: true);
        report.Status = "succeeded";
        report.CompletedAt = context.CurrentUtcDateTime;
        steps.Done($"recovered in {ttr} against an RTO of {input.RtoTarget}: {(report.RtoMet == true ? "met" : "NOT met")}");
        report.CurrentStep = null;
        context.SetCustomStatus(report);
    }

    private static string? TargetDatabase(DisasterRecoveryRequest input, ResolvedBackup backup)
    {
        if (!string.IsNullOrWhiteSpace(input.TargetDatabase))
        {
            return input.TargetDatabase;
        }

        // The connection string's database counts only when it names one: "postgres" and the templates
        // are where a client connects to, never what a recovery should fill.
        var fromConnection = new Npgsql.NpgsqlConnectionStringBuilder(input.TargetConnectionString).Database;
        return !string.IsNullOrWhiteSpace(fromConnection) && fromConnection is not ("postgres" or "template0" or "template1")
            ? fromConnection
            : backup.Manifest.Database;
    }

    private static string? ApprovedBy(System.Text.Json.JsonElement? approval) => approval switch
    {
        { ValueKind: System.Text.Json.JsonValueKind.String } s => s.GetString(),
        { ValueKind: System.Text.Json.JsonValueKind.Object } o when o.TryGetProperty("by", out var by) && by.ValueKind == System.Text.Json.JsonValueKind.String => by.GetString(),
        _ => null,
    };

    /// <summary>Catalog bookkeeping must not fail a recovery: the control database may be the thing that was lost.</summary>
    private async Task RecordAsync(TaskOrchestrationContext context, DisasterRecoveryRequest input, DisasterRecoveryReport report, bool succeeded)
    {
        try
        {
            await context.CallActivityAsync<long>(nameof(RecordRestore), new CatalogRestore(0, report.BackupId ?? input.BackupId, "dr",
                report.TargetDatabase ?? "", report.ServedBy, succeeded, report.StartedAt, context.CurrentUtcDateTime, report.Error, context.InstanceId), retries.Default);
        }
        catch (TaskFailedException)
        {
            // The report is the record of last resort.
        }
    }

    private async Task AlertAsync(TaskOrchestrationContext context, string severity, string code, string message)
    {
        try
        {
            await context.CallActivityAsync<long>(nameof(RaiseAlert), new AlertRequest(severity, code, message, $"dr:{context.InstanceId}"), retries.Default);
        }
        catch (TaskFailedException)
        {
            // Same as above: the orchestration's own failure still says what happened.
        }
    }
}
