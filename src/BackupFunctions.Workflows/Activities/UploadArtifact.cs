using Microsoft.DurableTask;
using BackupFunctions.Workflows.Operations;
using BackupFunctions.Workflows.Telemetry;

namespace BackupFunctions.Workflows.Activities;

/// <param name="SourceTarget">Copy from this target instead of the staging file (when the staging file is on another host).</param>
public sealed record UploadRequest(string Target, string StagingPath, string ObjectKey, string? SourceTarget = null, long ExpectedLength = 0) : ITargetedRequest;

/// <summary>
/// Uploads the artifact to one target under its deterministic key. The source is the staging file, or
/// another target's verified copy when this host does not have the staging file (the orchestration may
/// resume on another host).
/// </summary>
/// <remarks>
/// A put never replaces a stored object. A retry that finds the key holding exactly these bytes (an
/// earlier attempt stored them, but its completion was lost) succeeds; other bytes under the key are a
/// <see cref="Targets.TargetObjectExistsException"/>, which <see cref="ActivityFailures"/> makes
/// non-retryable, and nothing here ever deletes the object that is there.
/// </remarks>
public sealed class UploadArtifact(BackupEnvironment env, ActivityLimits limits, BackupMetrics? metrics = null) : BoundedActivity<UploadRequest, CopyOutcome>(limits)
{
    public const string StagingMissingMarker = "staging file is not on this host";

    protected override Task<CopyOutcome> RunAsync(ActivityRun context, UploadRequest input) =>
        ActivityFailures.RunAsync(async () =>
        {
            var target = env.FindTarget(input.Target) ?? throw new NonRetryableTaskException($"Target '{input.Target}' is not configured on this host.");
            var ct = context.CancellationToken;
            if (input.SourceTarget is { } sourceName)
            {
                var source = env.FindTarget(sourceName) ?? throw new NonRetryableTaskException($"Source target '{sourceName}' is not configured on this host.");
                return Measured(await UploadCopy.FromTargetAsync(source, target, input.ObjectKey, input.ExpectedLength, ct));
            }

            if (!File.Exists(input.StagingPath))
            {
                throw new NonRetryableTaskException($"The {StagingMissingMarker} ({input.StagingPath}); copy from a target that holds the artifact.");
            }

            return Measured(await UploadCopy.RunAsync(target, input.StagingPath, input.ObjectKey, ct: ct));
        });

    private CopyOutcome Measured(CopyOutcome outcome)
    {
        if (outcome.Uploaded)
        {
            metrics?.RecordUpload(outcome.Target, outcome.Bytes, outcome.Duration);
        }

        return outcome;
    }
}
