using BackupFunctions.Durable;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Operations;

namespace BackupFunctions.Workflows.Activities;

public sealed record VerifyChecksumRequest(string Target, string ObjectKey, string ExpectedSha256);

/// <summary>Reads a copy back from its target and compares its SHA-256; only then is the copy "verified".</summary>
public sealed class VerifyChecksum(BackupEnvironment env) : TaskActivity<VerifyChecksumRequest, CopyVerification>
{
    public override Task<CopyVerification> RunAsync(TaskActivityContext context, VerifyChecksumRequest input) =>
        ActivityFailures.RunAsync(async () =>
        {
            var target = env.FindTarget(input.Target) ?? throw new NonRetryableTaskException($"Target '{input.Target}' is not configured on this host.");
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var stored = await TargetVerifier.HashAsync(target, input.ObjectKey, context.CancellationToken);
            var ok = string.Equals(stored.Sha256, input.ExpectedSha256, StringComparison.OrdinalIgnoreCase);
            return new CopyVerification(target.Name, input.ObjectKey, ok, stored.Length, stored.Sha256, sw.Elapsed,
                ok ? null : $"SHA-256 mismatch: expected {input.ExpectedSha256}, the stored copy has {stored.Sha256}.");
        });
}
