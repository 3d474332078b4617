using Azure.Core;
using BackupFunctions.Targets.AzureBlob;
using BackupFunctions.Targets.FileSystem;
using BackupFunctions.Targets.S3;
using BackupFunctions.Targets.Upload;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupFunctions.Targets;

/// <summary>
/// Builds configured targets: the backend, wrapped (inside out) by the concurrency limit, retries and
/// logging. Retries sit outside the limit so a backoff does not hold a slot.
/// </summary>
public static class BackupTargetFactory
{
    /// <summary>Validates <paramref name="options"/> and builds the wrapped target.</summary>
    /// <exception cref="TargetConfigurationException">The options are invalid; the message lists every problem.</exception>
    public static IBackupTarget Create(TargetOptions options, ILoggerFactory? loggerFactory = null, TokenCredential? azureCredential = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger($"BackupFunctions.Targets.{options.Name}");
        IBackupTarget target = CreateBackend(options, azureCredential);
        if (options.MaxConcurrency > 0) target = new ConcurrencyLimitedTarget(target, options.MaxConcurrency);
        target = new RetryingTarget(target, options.Retry, logger);
        return new LoggingTarget(target, logger);
    }

    /// <summary>Builds every target; names must be unique (case-insensitive).</summary>
    public static IReadOnlyList<IBackupTarget> CreateAll(IEnumerable<TargetOptions> options, ILoggerFactory? loggerFactory = null, TokenCredential? azureCredential = null)
    {
        var list = options.ToList();
        var duplicate = list.GroupBy(o => o.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new TargetConfigurationException(duplicate.Key, $"Target name '{duplicate.Key}' is used {duplicate.Count()} times; each target needs a unique Name.");
        return list.Select(o => Create(o, loggerFactory, azureCredential)).ToList();
    }

    /// <summary>Validates <paramref name="options"/> and builds the bare backend, without wrappers.</summary>
    public static IBackupTarget CreateBackend(TargetOptions options, TokenCredential? azureCredential = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
            throw new TargetConfigurationException(options.Name, "Invalid target configuration: " + string.Join(" ", problems));

        return options.Type.Trim().ToLowerInvariant() switch
        {
            TargetOptions.FileSystemType => new FileSystemTarget(options.Name, options.Path!, options.CreateIfMissing),
            TargetOptions.S3Type => new S3Target(options.Name, new S3TargetOptions
            {
                Bucket = options.Bucket!,
                ServiceUrl = NullIfEmpty(options.ServiceUrl),
                Region = NullIfEmpty(options.Region),
                Prefix = options.Prefix ?? "",
                ForcePathStyle = options.ForcePathStyle,
                AccessKey = NullIfEmpty(options.AccessKey),
                SecretKey = NullIfEmpty(options.SecretKey),
                SessionToken = NullIfEmpty(options.SessionToken),
                ChecksumMode = options.ChecksumMode,
                PartSize = (options.PartSizeMiB ?? 8) * PartSizing.MiB,
                UploadParallelism = options.UploadParallelism ?? 4,
                RequestTimeout = options.RequestTimeout ?? TimeSpan.FromMinutes(5),
                ConnectTimeout = options.ConnectTimeout ?? TimeSpan.FromSeconds(10),
                ObjectLock = options.ImmutableDays is { } days
                    ? new S3ObjectLock(TimeSpan.FromDays(days), Compliance: string.Equals(options.ObjectLockMode, "Compliance", StringComparison.OrdinalIgnoreCase))
                    : null,
            }),
            TargetOptions.AzureBlobType => new AzureBlobTarget(options.Name, new AzureBlobTargetOptions
            {
                Container = options.Container!,
                ConnectionString = NullIfEmpty(options.ConnectionString),
                AccountUrl = NullIfEmpty(options.AccountUrl),
                Credential = azureCredential,
                Prefix = options.Prefix ?? "",
                BlockSize = (options.PartSizeMiB ?? 8) * PartSizing.MiB,
                UploadParallelism = options.UploadParallelism ?? 4,
                RequestTimeout = options.RequestTimeout ?? TimeSpan.FromMinutes(5),
                ConnectTimeout = options.ConnectTimeout ?? TimeSpan.FromSeconds(10),
                Immutability = options.ImmutableDays is { } lockDays ? new AzureImmutability(TimeSpan.FromDays(lockDays)) : null,
            }),
            _ => throw new InvalidOperationException("unreachable: Validate() checks Type"),
        };
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
