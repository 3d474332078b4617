using Microsoft.DurableTask;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Workflows.Operations;

namespace BackupFunctions.Workflows.Activities;

public sealed record WriteManifestRequest(string Target, BackupManifest Manifest) : Telemetry.ITargetedRequest;

/// <summary>Writes manifest.json next to a verified artifact (always after it, so a manifest never points at missing bytes).</summary>
public sealed class WriteManifest(BackupEnvironment env, ActivityLimits limits) : BoundedActivity<WriteManifestRequest, bool>(limits)
{
    protected override Task<bool> RunAsync(ActivityRun context, WriteManifestRequest input) =>
        ActivityFailures.RunAsync(async () =>
        {
            var target = env.FindTarget(input.Target) ?? throw new NonRetryableTaskException($"Target '{input.Target}' is not configured on this host.");
            await PublishManifest.RunAsync(target, input.Manifest, env.Keys, context.CancellationToken);
            return true;
        });
}
