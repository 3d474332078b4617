using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Pitr;
using Microsoft.DurableTask;

namespace BackupFunctions.Workflows.Orchestrations;

/// <summary>
/// Whether WAL archiving keeps up (<see cref="WalArchivingCheck"/>): behind or failing raises one alert per source
/// server (dedupe key <c>pitr:archiving:&lt;host:port&gt;</c>), refreshed by every check that still finds it so; a check
/// that cannot run (server or targets unreachable) is a warning of its own (<c>pitr:archiving:&lt;cluster&gt;</c>), since archiving is then unknown.
/// </summary>
[DurableTask(OrchestrationNames.WalArchivingCheck)]
public sealed class WalArchivingCheckOrchestrator(BackupFunctionsOptions options, WorkflowRetries retries) : TaskOrchestrator<object?, WalArchivingReport?>
{
    public override async Task<WalArchivingReport?> RunAsync(TaskOrchestrationContext context, object? input)
    {
        var cluster = options.Pitr.Cluster;
        context.SetCustomStatus(new { step = "check", cluster });
        WalArchivingReport report;
        try
        {
            report = await context.CallActivityAsync<WalArchivingReport>(nameof(CheckWalArchiving), new CheckWalArchivingRequest(cluster), retries.Default);
        }
        catch (TaskFailedException e)
        {
            await context.CallActivityAsync<long>(nameof(RaiseAlert), new AlertRequest("warning", "pitr.archiving.unknown",
                $"Could not check WAL archiving of cluster '{cluster}': {e.FailureDetails.ErrorMessage}", $"pitr:archiving:{cluster}"), retries.Default);
            context.SetCustomStatus(new { step = "failed", cluster, error = e.FailureDetails.ErrorMessage });
            return null;
        }

        if (report.Problems.Count > 0)
        {
            var code = report.Failing ? "pitr.archiving.failing" : "pitr.archiving.behind";
            await context.CallActivityAsync<long>(nameof(RaiseAlert), new AlertRequest(report.Severity, code,
                $"WAL archiving of {report.Host} (cluster '{cluster}') is behind: {string.Join(" ", report.Problems)}", $"pitr:archiving:{report.Host}"), retries.Default);
        }

        context.SetCustomStatus(new { step = "done", cluster, report.PendingSegments, report.Failing, problems = report.Problems.Count });
        return report;
    }
}
