using System.Buffers;
using System.Security.Cryptography;

namespace BackupFunctions.Targets;

/// <summary>
/// Reads a stored copy back and hashes it. A copy counts as verified only when this hash, computed
/// from the bytes the target returns, equals the hash recorded at backup time.
/// </summary>
public static class TargetVerifier
{
    /// <summary>Reads the whole object and returns its SHA-256. Throws <see cref="TargetNotFoundException"/> when it is missing.</summary>
    public static async Task<StoredHash> HashAsync(IBackupTarget target, string key, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        await using var stream = await target.OpenReadAsync(key, null, ct);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(1024 * 1024);
        long length = 0;
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, ct)) > 0)
            {
                sha.AppendData(buffer, 0, n);
                length += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return new StoredHash(key, length, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    /// <summary>True when the stored object's SHA-256 equals <paramref name="expectedSha256"/> (hex, any case).</summary>
    public static async Task<bool> VerifyAsync(IBackupTarget target, string key, string expectedSha256, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(expectedSha256);
        var actual = await HashAsync(target, key, ct);
        return string.Equals(actual.Sha256, expectedSha256.Trim(), StringComparison.OrdinalIgnoreCase);
    }
}
