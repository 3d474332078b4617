using System.Diagnostics;
using BackupFunctions.Targets;

namespace BackupFunctions.Workflows.Operations;

/// <summary>
/// A copy counts as verified only once it was read back from its target and its SHA-256 matched.
/// A mismatch is a result; a storage failure propagates as <see cref="TargetException"/>.
/// </summary>
public static class VerifyCopy
{
    public static async Task<CopyVerification> RunAsync(IBackupTarget target, string objectKey, string expectedSha256, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var stored = await TargetVerifier.HashAsync(target, objectKey, ct).ConfigureAwait(false);
        var ok = string.Equals(stored.Sha256, expectedSha256, StringComparison.OrdinalIgnoreCase);
        return new CopyVerification(target.Name, objectKey, ok, stored.Length, stored.Sha256, sw.Elapsed,
            ok ? null : $"SHA-256 mismatch: expected {expectedSha256}, the stored copy has {stored.Sha256}.");
    }
}
