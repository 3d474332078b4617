using Microsoft.DurableTask;
using BackupFunctions.Workflows.Operations;

namespace BackupFunctions.Workflows.Activities;

/// <summary>Deletes a backup's staging files on this host (finished and partial). Idempotent.</summary>
public sealed class CleanupStaging(BackupEnvironment env, ActivityLimits limits) : BoundedActivity<string, bool>(limits)
{
    protected override Task<bool> RunAsync(ActivityRun context, string input)
    {
        DumpToStaging.Cleanup(env, input);
        return Task.FromResult(true);
    }
}
