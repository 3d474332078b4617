namespace BackupFunctions.Targets.Upload;

/// <summary>
/// Chooses the part size of a multipart upload. Every part but the last has the same size (Cloudflare
/// R2 requires it), and the size grows with the expected object size so the upload stays under the
/// store's part limit (10,000 for S3, 50,000 blocks for Azure).
/// </summary>
internal static class PartSizing
{
    public const int MiB = 1024 * 1024;

    /// <summary>S3's minimum part size (all parts but the last).</summary>
    public const int S3MinPartSize = 5 * MiB;

    /// <summary>The largest part we will buffer; S3 allows 5 GiB but memory is the real limit here.</summary>
    public const int MaxPartSize = 512 * MiB;

    /// <param name="configured">The configured (minimum) part size.</param>
    /// <param name="expectedLength">The known or estimated object size, or null when unknown.</param>
    /// <param name="maxParts">The store's part limit.</param>
    public static int Choose(int configured, long? expectedLength, int maxParts)
    {
        if (expectedLength is not { } length || length <= (long)configured * maxParts) return configured;
        // Round up to whole MiB so part sizes stay readable in logs and stores' consoles.
        var needed = (length + maxParts - 1) / maxParts;
        var rounded = (needed + MiB - 1) / MiB * MiB;
        return (int)Math.Min(rounded, MaxPartSize);
    }
}
