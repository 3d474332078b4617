using System.Buffers;
using System.Security.Cryptography;

namespace BackupFunctions.Targets;

/// <summary>
/// Decides what a put that found its key taken means. A put that succeeded on the store but whose
/// answer was lost (a reset after the commit, a host killed before the activity reported) is retried
/// and then meets its own object: same size and same SHA-256 as the content it was writing, which is
/// success. Anything else is a real conflict, and the stored object is left alone.
/// </summary>
internal static class ExistingObjectCheck
{
    /// <summary>
    /// The stored object's info when it holds exactly the bytes of <paramref name="content"/> from
    /// <paramref name="start"/> on; otherwise throws <see cref="TargetObjectExistsException"/> saying how they differ.
    /// </summary>
    public static async Task<TargetObjectInfo> RequireIdenticalAsync(IBackupTarget target, string key, Stream content, long start,
        TargetObjectExistsException taken, CancellationToken ct)
    {
        // Gone again (deleted in between): nothing to compare, and not ours to decide; report the refusal.
        var stored = await target.StatAsync(key, ct) ?? throw taken;
        var length = content.Length - start;
        if (stored.Size != length)
            throw new TargetObjectExistsException(target.Name, key, $"stored {stored.Size} bytes, this put {length} bytes", taken);

        content.Position = start;
        var mine = await HashAsync(content, ct);
        var theirs = await TargetVerifier.HashAsync(target, key, ct);
        if (string.Equals(mine, theirs.Sha256, StringComparison.Ordinal)) return stored;
        throw new TargetObjectExistsException(target.Name, key,
            $"{length} bytes each, stored SHA-256 {theirs.Sha256[..16]}…, this put {mine[..16]}…", taken);
    }

    private static async Task<string> HashAsync(Stream content, CancellationToken ct)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            int n;
            while ((n = await content.ReadAsync(buffer, ct)) > 0) sha.AppendData(buffer, 0, n);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
