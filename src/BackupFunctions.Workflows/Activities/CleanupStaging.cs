using BackupFunctions.Durable;
using BackupFunctions.Workflows.Operations;

namespace BackupFunctions.Workflows.Activities;

/// <summary>Deletes a backup's staging files on this host (finished and partial). Idempotent.</summary>
public sealed class CleanupStaging(BackupEnvironment env) : TaskActivity<string, bool>
{
    public override Task<bool> RunAsync(TaskActivityContext context, string input)
    {
        DumpToStaging.Cleanup(env, input);
        return Task.FromResult(true);
    }
}
