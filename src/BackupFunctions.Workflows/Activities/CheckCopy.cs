using BackupFunctions.Workflows.Integrity;

namespace BackupFunctions.Workflows.Activities;

/// <param name="FullRead">True: read the artifact whole and the manifest; false: the cheap stat check.</param>
public sealed record CheckCopyRequest(CopyToCheck Copy, bool FullRead);

/// <summary>
/// One copy's integrity check (<see cref="CopyInspection"/>). Damage is the result; a target that cannot be read fails
/// the activity (retried, then reported as unreachable by the orchestration, never as damage).
/// </summary>
public sealed class CheckCopy(BackupEnvironment env, ActivityLimits limits) : BoundedActivity<CheckCopyRequest, CopyInspectionResult>(limits)
{
    protected override Task<CopyInspectionResult> RunAsync(ActivityRun context, CheckCopyRequest input) =>
        ActivityFailures.RunAsync(async () =>
        {
            var target = env.FindTarget(input.Copy.Target) ?? throw new NonRetryableTaskException($"Target '{input.Copy.Target}' is not configured on this host.");
            return input.FullRead
                ? await CopyInspection.ReadAsync(target, input.Copy, env.Keys, context.CancellationToken)
                : await CopyInspection.StatAsync(target, input.Copy, context.CancellationToken);
        });
}
