namespace BackupFunctions.Pipeline.Format;

/// <summary>How the plaintext inside an artifact is compressed. The numeric values are stored in the header.</summary>
public enum CompressionKind : byte
{
    None = 0,
    Zstd = 1,
    Gzip = 2,
}
