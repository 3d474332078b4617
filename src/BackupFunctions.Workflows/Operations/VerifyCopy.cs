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
        return Compare(target.Name, stored, expectedSha256, sw.Elapsed);
    }

    /// <summary>
    /// The same check on the bytes the target read back while it wrote them (<see cref="CopyOutcome.ReadBack"/>), when it
    /// did; otherwise a read of the whole copy (<see cref="RunAsync(IBackupTarget, string, string, CancellationToken)"/>).
    /// </summary>
    public static Task<CopyVerification> RunAsync(IBackupTarget target, CopyOutcome upload, string expectedSha256, CancellationToken ct = default) =>
        upload.ReadBack is { } read && read.Key == upload.ObjectKey
            ? Task.FromResult(Compare(target.Name, read, expectedSha256, TimeSpan.Zero))
            : RunAsync(target, upload.ObjectKey, expectedSha256, ct);

    private static CopyVerification Compare(string target, StoredHash stored, string expectedSha256, TimeSpan duration)
    {
        var ok = string.Equals(stored.Sha256, expectedSha256, StringComparison.OrdinalIgnoreCase);
        return new CopyVerification(target, stored.Key, ok, stored.Length, stored.Sha256, duration,
            ok ? null : $"SHA-256 mismatch: expected {expectedSha256}, the stored copy has {stored.Sha256}.");
    }
}
