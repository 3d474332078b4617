using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using BackupFunctions.Targets.Upload;

namespace BackupFunctions.Targets.AzureBlob;

/// <summary>
/// A container in Azure Blob Storage (or Azurite). Large objects are staged as blocks and become
/// visible only when the block list is committed at the end, so a failed upload leaves the previous
/// blob untouched (uncommitted blocks are garbage-collected by the service after a week). The SDK's
/// own retries are turned off: retrying is <see cref="RetryingTarget"/>'s job.
/// </summary>
/// <remarks>
/// A put never replaces a stored blob: Put Blob and Put Block List carry <c>If-None-Match: *</c>, which
/// the service enforces atomically (409 BlobAlreadyExists), so the check needs no request of its own.
/// </remarks>
public sealed class AzureBlobTarget : IBackupTarget, IProvisionableTarget
{
    /// <summary>The service's limit on committed blocks per blob.</summary>
    public const int MaxBlocks = 50_000;

    private readonly BlobContainerClient _container;
    private readonly AzureBlobTargetOptions _options;
    private readonly string _prefix;
    private readonly AzureBlobErrors _errors;

    public AzureBlobTarget(string name, AzureBlobTargetOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        if (options.BlockSize < PartSizing.MiB || options.BlockSize > PartSizing.MaxPartSize)
            throw new TargetConfigurationException(name, $"Target '{name}': BlockSize must be between 1 MiB and 512 MiB (got {options.BlockSize}).");
        Name = name;
        _options = options;
        _prefix = S3.S3Target.NormalizePrefix(options.Prefix);
        var clientOptions = new BlobClientOptions();
        clientOptions.Retry.MaxRetries = 0;
        clientOptions.Retry.NetworkTimeout = options.RequestTimeout;
        // Our own handler only to bound connect time; redirects and cookies off, as in the SDK's default transport.
        clientOptions.Transport = new HttpClientTransport(new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            AllowAutoRedirect = false,
            UseCookies = false,
        });
        try
        {
            if (!string.IsNullOrEmpty(options.ConnectionString))
            {
                _container = new BlobContainerClient(options.ConnectionString, options.Container, clientOptions);
            }
            else if (!string.IsNullOrEmpty(options.AccountUrl))
            {
                var uri = new Uri(options.AccountUrl.TrimEnd('/') + "/" + options.Container);
                _container = new BlobContainerClient(uri, options.Credential ?? new DefaultAzureCredential(), clientOptions);
            }
            else
            {
                throw new TargetConfigurationException(name, $"Target '{name}': set either ConnectionString or AccountUrl.");
            }
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or UriFormatException)
        {
            // The connection string's own parse error may quote it; do not pass its message on.
            throw new TargetConfigurationException(name,
                $"Target '{name}': the ConnectionString or AccountUrl is malformed ({ex.GetType().Name}). Check its format.");
        }
        _errors = new AzureBlobErrors(name, _container.AccountName, options.Container);
    }

    public string Name { get; }

    public async Task<TargetObjectInfo> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken ct = default)
    {
        TargetKey.Validate(key);
        ArgumentNullException.ThrowIfNull(content);
        var settings = new UploadSettings(_options.BlockSize, MaxBlocks, Math.Max(1, _options.UploadParallelism));
        var sink = new BlockSink(this, key, options?.ContentType ?? "application/octet-stream");
        return await PartitionedUploader.UploadAsync(Name, key, content, options?.ExpectedLength, settings, sink, ct);
    }

    public async Task<Stream> OpenReadAsync(string key, ByteRange? range = null, CancellationToken ct = default)
    {
        TargetKey.Validate(key);
        var options = new BlobDownloadOptions();
        if (range is { } r) options.Range = new HttpRange(r.Offset, r.Length);
        try
        {
            var response = await Blob(key).DownloadStreamingAsync(options, ct);
            return new ErrorMappingReadStream(response.Value.Content, (ex, t) => _errors.Map(ex, "Reading", key, t), response.Value);
        }
        catch (Exception ex) when (_errors.Map(ex, "Reading", key, ct) is { } mapped)
        {
            throw mapped;
        }
    }

    public async Task<TargetObjectInfo?> StatAsync(string key, CancellationToken ct = default)
    {
        TargetKey.Validate(key);
        try
        {
            var p = (await Blob(key).GetPropertiesAsync(cancellationToken: ct)).Value;
            return new TargetObjectInfo(key, p.ContentLength, p.LastModified, Unquote(p.ETag)) { RetainUntil = p.ImmutabilityPolicy?.ExpiresOn };
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode != "ContainerNotFound")
        {
            return null;
        }
        catch (Exception ex) when (_errors.Map(ex, "Stat", key, ct) is { } mapped)
        {
            throw mapped;
        }
    }

    public async IAsyncEnumerable<TargetObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        TargetKey.ValidatePrefix(prefix);
        var pages = _container.GetBlobsAsync(new GetBlobsOptions { Prefix = _prefix + prefix }, ct)
            .AsPages(pageSizeHint: Math.Clamp(_options.ListPageSize, 1, 5000))
            .GetAsyncEnumerator(ct);
        try
        {
            while (true)
            {
                Page<BlobItem> page;
                try
                {
                    if (!await pages.MoveNextAsync()) yield break;
                    page = pages.Current;
                }
                catch (Exception ex) when (_errors.Map(ex, "Listing", null, ct) is { } mapped)
                {
                    throw mapped;
                }
                foreach (var item in page.Values)
                {
                    var key = item.Name[_prefix.Length..];
                    if (TargetKey.IsValid(key))
                        yield return new TargetObjectInfo(key, item.Properties.ContentLength ?? 0, item.Properties.LastModified, Unquote(item.Properties.ETag));
                }
            }
        }
        finally
        {
            await pages.DisposeAsync();
        }
    }

    public async Task DeleteAsync(string key, CancellationToken ct = default)
    {
        TargetKey.Validate(key);
        try
        {
            await Blob(key).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct);
        }
        catch (Exception ex) when (_errors.Map(ex, "Deleting", key, ct) is { } mapped)
        {
            throw mapped;
        }
    }

    public async Task<bool> EnsureExistsAsync(CancellationToken ct = default)
    {
        try
        {
            var created = await _container.CreateIfNotExistsAsync(cancellationToken: ct);
            return created is not null;
        }
        catch (Exception ex) when (_errors.Map(ex, "Creating container", "", ct) is { } mapped)
        {
            throw mapped;
        }
    }

    public override string ToString() => $"{Name} (azureblob {_container.AccountName}/{_options.Container}{(_prefix.Length > 0 ? "/" + _prefix : "")})";

    private BlockBlobClient Blob(string key) => _container.GetBlockBlobClient(_prefix + key);

    private static string? Unquote(ETag? etag) => etag?.ToString().Trim('"');

    /// <summary>The Azure steps of one upload: Put Blob for small objects, Put Block + Put Block List otherwise.</summary>
    private sealed class BlockSink(AzureBlobTarget target, string key, string contentType) : IPartSink
    {
        // A fresh id per upload, so two concurrent uploads of the same key never mix blocks. All ids of
        // one blob must have the same length, hence the fixed-width part number.
        private readonly string _uploadId = Guid.NewGuid().ToString("N");
        private readonly BlockBlobClient _blob = target.Blob(key);

        /// <summary>If-None-Match: *, so the service refuses the write when the blob exists.</summary>
        private static BlobRequestConditions OnlyIfNew => new() { IfNoneMatch = ETag.All };

        private static UploadTransferValidationOptions Md5 => new() { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5 };

        public async Task<TargetObjectInfo> PutSingleAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
        {
            try
            {
                var response = await _blob.UploadAsync(BinaryData.FromBytes(data).ToStream(), new BlobUploadOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                    TransferValidation = Md5,
                    Conditions = OnlyIfNew,
                    ImmutabilityPolicy = target._options.Immutability?.PolicyFrom(DateTimeOffset.UtcNow),
                }, ct);
                return new TargetObjectInfo(key, data.Length, response.Value.LastModified, Unquote(response.Value.ETag));
            }
            catch (RequestFailedException ex) when (IsKeyTaken(ex))
            {
                throw new TargetObjectExistsException(target.Name, key, innerException: ex);
            }
            catch (Exception ex) when (target._errors.Map(ex, "Upload", key, ct) is { } mapped)
            {
                throw mapped;
            }
        }

        public Task BeginAsync(CancellationToken ct) => Task.CompletedTask;

        public async Task StagePartAsync(int partNumber, ReadOnlyMemory<byte> data, CancellationToken ct)
        {
            try
            {
                await _blob.StageBlockAsync(BlockId(partNumber), BinaryData.FromBytes(data).ToStream(),
                    new BlockBlobStageBlockOptions { TransferValidation = Md5 }, ct);
            }
            catch (Exception ex) when (target._errors.Map(ex, $"Upload of block {partNumber}", key, ct) is { } mapped)
            {
                throw mapped;
            }
        }

        public async Task<TargetObjectInfo> CommitAsync(int partCount, long totalLength, CancellationToken ct)
        {
            try
            {
                var response = await _blob.CommitBlockListAsync(Enumerable.Range(1, partCount).Select(BlockId),
                    new CommitBlockListOptions
                    {
                        HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                        Conditions = OnlyIfNew,
                        ImmutabilityPolicy = target._options.Immutability?.PolicyFrom(DateTimeOffset.UtcNow),
                    }, ct);
                return new TargetObjectInfo(key, totalLength, response.Value.LastModified, Unquote(response.Value.ETag));
            }
            catch (RequestFailedException ex) when (IsKeyTaken(ex))
            {
                throw new TargetObjectExistsException(target.Name, key, innerException: ex);
            }
            catch (Exception ex) when (target._errors.Map(ex, "Committing the block list", key, ct) is { } mapped)
            {
                throw mapped;
            }
        }

        // Put Blob and Put Block List answer 409 BlobAlreadyExists to If-None-Match: * on an existing blob;
        // 412 ConditionNotMet is the generic answer to a failed condition.
        private static bool IsKeyTaken(RequestFailedException ex) =>
            ex.ErrorCode is "BlobAlreadyExists" or "ConditionNotMet" || ex.Status == 412;

        // Uncommitted blocks never become visible and the service discards them after seven days.
        public Task AbortAsync() => Task.CompletedTask;

        private string BlockId(int partNumber) =>
            Convert.ToBase64String(Encoding.ASCII.GetBytes($"{_uploadId}-{partNumber:D6}"));
    }
}
