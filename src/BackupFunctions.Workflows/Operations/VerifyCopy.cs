using System.Diagnostics;
using BackupFunctions.Targets;

namespace BackupFunctions.Workflows.Operations;

/// <summary>
/// A copy counts as verified only once its SHA-256 matched: read back from its target, or, for a copy the
/// target hashed as it wrote it to a local file, that hash (<see cref="FromWrite"/>).
/// A mismatch is a result; a storage failure propagates as <see cref="TargetException"/>.
/// </summary>
public static class VerifyCopy
{
    /// <summary>
    /// The check of a copy the target hashed while writing it (<see cref="CopyOutcome.WrittenSha256"/>), or null when
    /// there is no such hash and the copy must be read back (<see cref="RunAsync"/>). A local file read back right
    /// after it was written comes from the page cache, i.e. it returns the very bytes that were hashed on the way in:
    /// the second pass would cost a full read and SHA-256 of the artifact and prove nothing more. Damage later is
    /// found by <c>verify</c> and the integrity checks, which always read the copy back.
    /// </summary>
    public static CopyVerification? FromWrite(CopyOutcome upload, string expectedSha256)
    {
        if (upload.WrittenSha256 is not { } written) return null;
        var ok = string.Equals(written, expectedSha256, StringComparison.OrdinalIgnoreCase);
        return new CopyVerification(upload.Target, upload.ObjectKey, ok, upload.Bytes, written, TimeSpan.Zero,
            ok ? null : $"SHA-256 mismatch: expected {expectedSha256}, the target wrote {written}.");
    }

    public static async Task<CopyVerification> RunAsync(IBackupTarget target, string objectKey, string expectedSha256, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var stored = await TargetVerifier.HashAsync(target, objectKey, ct).ConfigureAwait(false);
        var ok = string.Equals(stored.Sha256, expectedSha256, StringComparison.OrdinalIgnoreCase);
        return new CopyVerification(target.Name, objectKey, ok, stored.Length, stored.Sha256, sw.Elapsed,
            ok ? null : $"SHA-256 mismatch: expected {expectedSha256}, the stored copy has {stored.Sha256}.");
    }
}
