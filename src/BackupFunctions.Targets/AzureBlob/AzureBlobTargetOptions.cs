using Azure.Core;
using BackupFunctions.Targets.Upload;

namespace BackupFunctions.Targets.AzureBlob;

/// <summary>
/// Settings of one <see cref="AzureBlobTarget"/>: either <see cref="ConnectionString"/>, or
/// <see cref="AccountUrl"/> with a <see cref="Credential"/> (DefaultAzureCredential when null: managed
/// identity, environment, Azure CLI).
/// </summary>
public sealed record AzureBlobTargetOptions
{
    /// <summary>The container (must exist; the target never creates it).</summary>
    public required string Container { get; init; }

    /// <summary>A storage connection string (contains the account key; never logged or shown).</summary>
    public string? ConnectionString { get; init; }

    /// <summary>The blob service URL, e.g. https://myaccount.blob.core.windows.net.</summary>
    public string? AccountUrl { get; init; }

    /// <summary>The credential used with <see cref="AccountUrl"/>; null means DefaultAzureCredential.</summary>
    public TokenCredential? Credential { get; init; }

    /// <summary>A blob name prefix inside the container. "" for none.</summary>
    public string Prefix { get; init; } = "";

    /// <summary>The minimum block size in bytes; grows for large objects to stay under 50,000 blocks.</summary>
    public int BlockSize { get; init; } = 8 * PartSizing.MiB;

    /// <summary>Blocks uploaded at once per object. Memory use is at most (this + 1) × block size per upload.</summary>
    public int UploadParallelism { get; init; } = 4;

    /// <summary>Blobs per list request (the service allows at most 5000).</summary>
    public int ListPageSize { get; init; } = 1000;

    /// <summary>Timeout of one HTTP request.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long to wait for a TCP connection. Short, so a black-holed endpoint fails fast and is retried, instead of hanging for minutes.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A version-level immutability policy set on every new blob; null for none.</summary>
    public AzureImmutability? Immutability { get; init; }

    // Records print every property; the connection string carries the account key.
    public override string ToString() =>
        $"AzureBlobTargetOptions {{ Account = {AccountUrl ?? (ConnectionString is null ? "(none)" : "(connection string ***)")}, Container = {Container}, Prefix = {Prefix}, BlockSize = {BlockSize} }}";
}
