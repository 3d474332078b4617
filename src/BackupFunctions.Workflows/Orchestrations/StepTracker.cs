using Microsoft.DurableTask;
using BackupFunctions.Workflows.Models;

namespace BackupFunctions.Workflows.Orchestrations;

/// <summary>Keeps a DR run's steps, with their timings on the orchestration clock, in the report and the custom status.</summary>
internal sealed class StepTracker(TaskOrchestrationContext context, DisasterRecoveryReport report)
{
    private int _index = -1;

    private DisasterRecoveryStep Current => report.Steps[_index];

    public void Begin(int number, string name, string? detail)
    {
        report.Steps.Add(new DisasterRecoveryStep(number, name, DisasterRecoveryStep.Running, context.CurrentUtcDateTime, null, null, detail));
        _index = report.Steps.Count - 1;
        report.CurrentStep = name;
        context.SetCustomStatus(report);
    }

    public void Wait(string detail)
    {
        report.Steps[_index] = Current with { Status = DisasterRecoveryStep.Waiting, Detail = detail };
        report.Status = "waiting for approval";
        context.SetCustomStatus(report);
    }

    public void Done(string? detail) => End(DisasterRecoveryStep.Done, detail);

    public void Skip(string? detail) => End(DisasterRecoveryStep.Skipped, detail);

    /// <summary>Marks the current step failed and throws the exception that fails the run.</summary>
    public void Fail(string reason)
    {
        End(DisasterRecoveryStep.Failed, reason);
        throw new StepFailedException($"step {Current.Number} ({Current.Name}): {reason}");
    }

    /// <summary>Calls an activity; its failure fails the current step with the activity's message.</summary>
    public async Task<T> CallAsync<T>(string activity, object input, TaskOptions options)
    {
        try
        {
            return await context.CallActivityAsync<T>(activity, input, options);
        }
        catch (TaskFailedException e)
        {
            Fail(e.FailureDetails.ErrorMessage);
            throw; // not reached
        }
    }

    private void End(string status, string? detail)
    {
        var now = context.CurrentUtcDateTime;
        report.Steps[_index] = Current with
        {
            Status = status,
            CompletedAt = now,
            Seconds = Math.Round((now - Current.StartedAt).TotalSeconds, 2),
            Detail = detail ?? Current.Detail,
        };
        context.SetCustomStatus(report);
    }
}
