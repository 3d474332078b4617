using Microsoft.DurableTask;
using BackupFunctions.Workflows.Operations;

namespace BackupFunctions.Workflows.Activities;

public sealed record VerifyChecksumRequest(string Target, string ObjectKey, string ExpectedSha256) : Telemetry.ITargetedRequest;

/// <summary>Reads a copy back from its target and compares its SHA-256; only then is the copy "verified".</summary>
public sealed class VerifyChecksum(BackupEnvironment env, ActivityLimits limits) : BoundedActivity<VerifyChecksumRequest, CopyVerification>(limits)
{
    protected override Task<CopyVerification> RunAsync(ActivityRun context, VerifyChecksumRequest input) =>
        ActivityFailures.RunAsync(async () =>
        {
            var target = env.FindTarget(input.Target) ?? throw new NonRetryableTaskException($"Target '{input.Target}' is not configured on this host.");
            return await VerifyCopy.RunAsync(target, input.ObjectKey, input.ExpectedSha256, context.CancellationToken);
        });
}
