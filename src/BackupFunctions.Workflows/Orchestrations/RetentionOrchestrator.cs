using BackupFunctions.Workflows.Configuration;
using Microsoft.DurableTask;
using BackupFunctions.Workflows.Activities;

namespace BackupFunctions.Workflows.Orchestrations;

/// <summary>Applies each target's retention rule, all targets at once; a failing target is alerted, the others proceed.</summary>
[DurableTask(OrchestrationNames.Retention)]
public sealed class RetentionOrchestrator(BackupFunctionsOptions options, WorkflowRetries retries) : TaskOrchestrator<object?, IReadOnlyList<RetentionResult>>
{
    public override async Task<IReadOnlyList<RetentionResult>> RunAsync(TaskOrchestrationContext context, object? input)
    {
        var targets = options.Targets.Select(t => t.Name).ToList();
        context.SetCustomStatus(new { step = "apply", targets });
        var results = await Task.WhenAll(targets.Select(async t =>
        {
            try
            {
                return await context.CallActivityAsync<RetentionResult>(nameof(ApplyRetention), t, retries.Default);
            }
            catch (TaskFailedException e)
            {
                await context.CallActivityAsync<long>(nameof(RaiseAlert), new AlertRequest("warning", "retention.failed",
                    $"Retention on target '{t}' failed: {e.FailureDetails.ErrorMessage}", $"retention:{t}"), retries.Default);
                return new RetentionResult(t, 0, [], 0);
            }
        }));
        context.SetCustomStatus(new { step = "done", deleted = results.Sum(r => r.Deleted.Count) });
        return results;
    }
}
