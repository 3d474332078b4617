using BackupFunctions.Targets.S3;

namespace BackupFunctions.Targets;

/// <summary>
/// One configured target, as bound from configuration (the "Targets" array of the CLI's and host's
/// JSON). A plain settable class so Microsoft.Extensions.Configuration can bind it; only the settings
/// of its <see cref="Type"/> are used. <see cref="BackupTargetFactory"/> validates it and builds it.
/// </summary>
/// <example>
/// <code>
/// "Targets": [
///   { "Name": "local", "Type": "filesystem", "Path": "/var/backups/pg" },
///   { "Name": "r2", "Type": "s3", "ServiceUrl": "https://ACCOUNT.r2.cloudflarestorage.com", "Region": "auto",
///     "Bucket": "pg-backups", "AccessKey": "...", "SecretKey": "..." },
///   { "Name": "azure", "Type": "azureblob", "AccountUrl": "https://acct.blob.core.windows.net", "Container": "backups" }
/// ]
/// </code>
/// </example>
public sealed class TargetOptions
{
    public const string FileSystemType = "filesystem";
    public const string S3Type = "s3";
    public const string AzureBlobType = "azureblob";

    /// <summary>A unique name; used in messages, logs, the manifest and the catalog.</summary>
    public string Name { get; set; } = "";

    /// <summary>"filesystem", "s3" or "azureblob" (case-insensitive).</summary>
    public string Type { get; set; } = "";

    // ---- filesystem ----

    /// <summary>filesystem: the root directory.</summary>
    public string? Path { get; set; }

    /// <summary>filesystem: create the root when missing (default true). Set false for mounted volumes.</summary>
    public bool CreateIfMissing { get; set; } = true;

    // ---- s3 ----

    /// <summary>s3: the endpoint of a non-AWS store (R2, B2, MinIO). Empty for AWS.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>s3: the region ("auto" for R2). Default us-east-1.</summary>
    public string? Region { get; set; }

    /// <summary>s3: the bucket.</summary>
    public string? Bucket { get; set; }

    /// <summary>s3: path-style addressing. Default: true when ServiceUrl is set.</summary>
    public bool? ForcePathStyle { get; set; }

    /// <summary>s3: access key id; when empty, the AWS default credential chain is used.</summary>
    public string? AccessKey { get; set; }

    /// <summary>s3: secret key. Secret: never shown.</summary>
    public string? SecretKey { get; set; }

    /// <summary>s3: session token for temporary credentials. Secret: never shown.</summary>
    public string? SessionToken { get; set; }

    /// <summary>s3: "WhenRequired" or "WhenSupported". Default: WhenRequired when ServiceUrl is set.</summary>
    public S3ChecksumMode? ChecksumMode { get; set; }

    // ---- azureblob ----

    /// <summary>azureblob: a connection string. Secret: never shown.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>azureblob: the account's blob URL, used with DefaultAzureCredential when no connection string is given.</summary>
    public string? AccountUrl { get; set; }

    /// <summary>azureblob: the container.</summary>
    public string? Container { get; set; }

    // ---- s3 and azureblob ----

    /// <summary>s3, azureblob: a key prefix inside the bucket or container.</summary>
    public string? Prefix { get; set; }

    /// <summary>s3, azureblob: minimum part (block) size in MiB; grows for large objects. Default 8.</summary>
    public int? PartSizeMiB { get; set; }

    /// <summary>s3, azureblob: parts uploaded at once per object. Default 4.</summary>
    public int? UploadParallelism { get; set; }

    /// <summary>s3, azureblob: timeout of one HTTP request. Default 5 minutes.</summary>
    public TimeSpan? RequestTimeout { get; set; }

    /// <summary>s3, azureblob: how long to wait for a TCP connection. Default 10 seconds.</summary>
    public TimeSpan? ConnectTimeout { get; set; }

    /// <summary>
    /// s3, azureblob: lock every new object for this many days (S3 Object Lock retention; Azure version-level
    /// immutability policy). Unset: no lock. The bucket needs Object Lock, the container version-level immutability.
    /// </summary>
    public int? ImmutableDays { get; set; }

    /// <summary>s3: "Governance" (default; a principal with s3:BypassGovernanceRetention can still delete) or "Compliance".</summary>
    public string? ObjectLockMode { get; set; }

    /// <summary>
    /// Any type, for the target-usage alert: the bytes this target may hold (a bucket or account quota, or what you pay
    /// for). Compared with the stored bytes of its verified copies in the catalog. A filesystem target also reports its
    /// disk's free space without it. Unset or 0: no quota.
    /// </summary>
    public long? QuotaBytes { get; set; }

    // ---- wrappers, every type ----

    /// <summary>Operations at once against this target (0 = unlimited). Default 8.</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>Retry of transient failures.</summary>
    public RetryOptions Retry { get; set; } = new();

    /// <summary>Every problem with these settings, each a sentence a person can act on. Empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        var who = string.IsNullOrWhiteSpace(Name) ? "A target" : $"Target '{Name}'";
        if (string.IsNullOrWhiteSpace(Name)) problems.Add("A target has no Name; give each target a unique Name.");
        switch (Type.Trim().ToLowerInvariant())
        {
            case FileSystemType:
                if (string.IsNullOrWhiteSpace(Path)) problems.Add($"{who} (filesystem) needs a Path: the directory to store backups in.");
                break;
            case S3Type:
                if (string.IsNullOrWhiteSpace(Bucket)) problems.Add($"{who} (s3) needs a Bucket.");
                if (!string.IsNullOrWhiteSpace(ServiceUrl) && !Uri.TryCreate(ServiceUrl, UriKind.Absolute, out _))
                    problems.Add($"{who} (s3): ServiceUrl '{ServiceUrl}' is not an absolute URL (e.g. https://ACCOUNT.r2.cloudflarestorage.com).");
                if (string.IsNullOrEmpty(AccessKey) != string.IsNullOrEmpty(SecretKey))
                    problems.Add($"{who} (s3): set both AccessKey and SecretKey, or neither (to use the AWS default credentials).");
                if (PartSizeMiB is < 5 or > 512) problems.Add($"{who} (s3): PartSizeMiB must be between 5 and 512 (S3's minimum part is 5 MiB).");
                break;
            case AzureBlobType:
                if (string.IsNullOrWhiteSpace(Container)) problems.Add($"{who} (azureblob) needs a Container.");
                if (string.IsNullOrWhiteSpace(ConnectionString) && string.IsNullOrWhiteSpace(AccountUrl))
                    problems.Add($"{who} (azureblob) needs a ConnectionString, or an AccountUrl (signed in with DefaultAzureCredential).");
                if (!string.IsNullOrWhiteSpace(AccountUrl) && !Uri.TryCreate(AccountUrl, UriKind.Absolute, out _))
                    problems.Add($"{who} (azureblob): AccountUrl '{AccountUrl}' is not an absolute URL (e.g. https://ACCOUNT.blob.core.windows.net).");
                if (PartSizeMiB is < 1 or > 512) problems.Add($"{who} (azureblob): PartSizeMiB must be between 1 and 512.");
                break;
            default:
                problems.Add($"{who} has Type '{Type}'; use one of: {FileSystemType}, {S3Type}, {AzureBlobType}.");
                break;
        }
        if (!string.IsNullOrEmpty(Prefix) && !TargetKey.IsValid(Prefix.Trim('/')))
            problems.Add($"{who}: Prefix '{Prefix}' is not a valid key prefix (relative, '/'-separated, no '..' or empty segments).");
        if (ImmutableDays is < 1 or > 36500) problems.Add($"{who}: ImmutableDays must be between 1 and 36500, or unset for no lock.");
        if (ImmutableDays is not null && Type.Trim().Equals(FileSystemType, StringComparison.OrdinalIgnoreCase))
            problems.Add($"{who} (filesystem): ImmutableDays is supported only by s3 and azureblob targets; a directory cannot lock its files.");
        if (!string.IsNullOrEmpty(ObjectLockMode) && !ObjectLockMode.Equals("Governance", StringComparison.OrdinalIgnoreCase) && !ObjectLockMode.Equals("Compliance", StringComparison.OrdinalIgnoreCase))
            problems.Add($"{who}: ObjectLockMode '{ObjectLockMode}' is not known; use Governance or Compliance.");
        if (UploadParallelism is < 1 or > 64) problems.Add($"{who}: UploadParallelism must be between 1 and 64.");
        if (QuotaBytes is < 0) problems.Add($"{who}: QuotaBytes cannot be negative: give the bytes the target may hold, or 0 for no quota.");
        if (MaxConcurrency < 0) problems.Add($"{who}: MaxConcurrency must be 0 (unlimited) or more.");
        if (RequestTimeout is { } t && t <= TimeSpan.Zero) problems.Add($"{who}: RequestTimeout must be positive.");
        if (ConnectTimeout is { } c && c <= TimeSpan.Zero) problems.Add($"{who}: ConnectTimeout must be positive.");
        problems.AddRange((Retry ?? new RetryOptions()).Problems().Select(p => $"{who}: {p}."));
        return problems;
    }

    /// <summary>Names the target and where it points; secrets are masked.</summary>
    public override string ToString()
    {
        var where = Type.Trim().ToLowerInvariant() switch
        {
            FileSystemType => $"Path={Path}",
            S3Type => $"ServiceUrl={ServiceUrl ?? "(AWS)"}, Region={Region}, Bucket={Bucket}, Prefix={Prefix}, " +
                      $"AccessKey={Mask(AccessKey)}, SecretKey={Mask(SecretKey)}",
            AzureBlobType => $"AccountUrl={AccountUrl}, ConnectionString={Mask(ConnectionString)}, Container={Container}, Prefix={Prefix}",
            _ => "",
        };
        return $"{Name} ({Type}: {where})";
    }

    private static string Mask(string? secret) => string.IsNullOrEmpty(secret) ? "(none)" : "***";
}
