using BackupFunctions.Pipeline.Format;

namespace BackupFunctions.Workflows.Configuration;

public sealed class CompressionOptions
{
    /// <summary>"zstd" (default), "gzip" or "none".</summary>
    public string Algorithm { get; set; } = "zstd";

    /// <summary>Null takes the algorithm's default.</summary>
    public int? Level { get; set; }

    /// <summary>zstd worker threads; 0 compresses on the calling thread; null: one per core, at most 4.</summary>
    public int? Threads { get; set; }

    public CompressionKind Kind => Algorithm.Trim().ToLowerInvariant() switch
    {
        "zstd" => CompressionKind.Zstd,
        "gzip" => CompressionKind.Gzip,
        "none" => CompressionKind.None,
        _ => throw new InvalidOperationException($"Unknown compression '{Algorithm}'."),
    };

    public IEnumerable<string> Validate()
    {
        if (Algorithm.Trim().ToLowerInvariant() is not ("zstd" or "gzip" or "none"))
        {
            yield return $"BackupFunctions:Compression:Algorithm '{Algorithm}' is not known: use zstd, gzip or none.";
        }
    }
}
