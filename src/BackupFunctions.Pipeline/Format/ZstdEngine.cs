namespace BackupFunctions.Pipeline.Format;

/// <summary>
/// Which zstd implementation compresses. Both write standard zstd frames, so each reads the other's artifacts
/// (docs/artifact-format.md, "Compression"); the choice changes CPU time, never the format.
/// </summary>
public enum ZstdEngine
{
    /// <summary><see cref="Native"/> when the native library loads on this machine, else <see cref="Port"/>.</summary>
    Auto,

    /// <summary>ZstdSharp, the pure C# port: runs anywhere .NET does, about half the speed of native zstd (bench/zstd.sh).</summary>
    Port,

    /// <summary>libzstd through ZstdNet (the package ships libzstd 1.5.7 for linux, macOS and Windows).</summary>
    Native,
}
