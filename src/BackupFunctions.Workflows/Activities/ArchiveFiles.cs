using Microsoft.DurableTask;
using BackupFunctions.Workflows.Operations;

namespace BackupFunctions.Workflows.Activities;

public sealed record ArchiveFilesRequest(string BackupId, DateTimeOffset CreatedAt);

/// <summary>Tars the configured configuration files through the backup pipeline into staging.</summary>
public sealed class ArchiveFiles(BackupEnvironment env, ActivityLimits limits) : BoundedActivity<ArchiveFilesRequest, StagedArtifact>(limits)
{
    protected override Task<StagedArtifact> RunAsync(ActivityRun context, ArchiveFilesRequest input) =>
        ActivityFailures.RunAsync(() =>
            ArchiveFilesToStaging.RunAsync(env, input.BackupId, input.CreatedAt, env.Options.Files.Paths, context.CancellationToken));
}
