using BackupFunctions.Targets.Upload;

namespace BackupFunctions.Targets.S3;

/// <summary>Settings of one <see cref="S3Target"/>. Works for AWS, Cloudflare R2, Backblaze B2 and MinIO.</summary>
public sealed record S3TargetOptions
{
    /// <summary>The bucket (must exist; the target never creates it).</summary>
    public required string Bucket { get; init; }

    /// <summary>
    /// The endpoint for non-AWS stores, e.g. https://&lt;account&gt;.r2.cloudflarestorage.com,
    /// https://s3.us-west-004.backblazeb2.com or http://minio:9000. Null for AWS.
    /// </summary>
    public string? ServiceUrl { get; init; }

    /// <summary>The region (R2 uses "auto"). Defaults to us-east-1.</summary>
    public string? Region { get; init; }

    /// <summary>A key prefix inside the bucket, so several systems can share one bucket. "" for none.</summary>
    public string Prefix { get; init; } = "";

    /// <summary>Path-style addressing (http://host/bucket/key). Needed by MinIO and most local servers. Defaults to true when <see cref="ServiceUrl"/> is set.</summary>
    public bool? ForcePathStyle { get; init; }

    /// <summary>The access key id. When null, the SDK's default credential chain is used (environment, profile, instance role).</summary>
    public string? AccessKey { get; init; }

    /// <summary>The secret key. Never logged or shown.</summary>
    public string? SecretKey { get; init; }

    /// <summary>An optional session token for temporary credentials. Never logged or shown.</summary>
    public string? SessionToken { get; init; }

    /// <summary>Checksum behaviour. Null: <see cref="S3ChecksumMode.WhenRequired"/> when <see cref="ServiceUrl"/> is set (non-AWS), else the SDK default.</summary>
    public S3ChecksumMode? ChecksumMode { get; init; }

    /// <summary>The minimum multipart part size in bytes (at least 5 MiB); grows for large objects to stay under 10,000 parts.</summary>
    public int PartSize { get; init; } = 8 * PartSizing.MiB;

    /// <summary>Parts uploaded at once per object. Memory use is at most (this + 1) × part size per upload.</summary>
    public int UploadParallelism { get; init; } = 4;

    /// <summary>Objects per list request (S3 allows at most 1000).</summary>
    public int ListPageSize { get; init; } = 1000;

    /// <summary>Timeout of one HTTP request.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long to wait for a TCP connection. Short, so a black-holed endpoint fails fast and is retried, instead of hanging for minutes.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Object Lock retention set on every new object; null for none.</summary>
    public S3ObjectLock? ObjectLock { get; init; }

    /// <summary>The effective checksum mode.</summary>
    public S3ChecksumMode EffectiveChecksumMode =>
        ChecksumMode ?? (string.IsNullOrEmpty(ServiceUrl) ? S3ChecksumMode.WhenSupported : S3ChecksumMode.WhenRequired);

    // Records print every property; secrets must never reach a log or an exception message.
    public override string ToString() =>
        $"S3TargetOptions {{ ServiceUrl = {ServiceUrl ?? "(AWS)"}, Region = {Region}, Bucket = {Bucket}, Prefix = {Prefix}, " +
        $"ForcePathStyle = {ForcePathStyle}, AccessKey = {(AccessKey is null ? "(default chain)" : "***")}, ChecksumMode = {EffectiveChecksumMode}, PartSize = {PartSize} }}";
}
