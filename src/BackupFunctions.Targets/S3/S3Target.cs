using System.Runtime.CompilerServices;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using BackupFunctions.Targets.Upload;

namespace BackupFunctions.Targets.S3;

/// <summary>
/// A bucket in AWS S3 or an S3-compatible store (Cloudflare R2, Backblaze B2, MinIO). Large objects go
/// up as multipart uploads with equal parts, completed only at the end and aborted on failure. The
/// SDK's own retries are turned off: retrying is <see cref="RetryingTarget"/>'s job, and two layers of
/// retries multiply each other.
/// </summary>
/// <remarks>
/// A put never replaces a stored object. PutObject and CompleteMultipartUpload carry
/// <c>If-None-Match: *</c>, which AWS S3, Cloudflare R2 and MinIO enforce atomically (412 when the key
/// exists). Some S3-compatible stores ignore the header (s3rver does), so the put also asks with a HEAD
/// first and refuses a key that is there; on such a store a writer that creates the key between that
/// HEAD and the commit can still be overwritten (docs/targets.md).
/// </remarks>
public sealed class S3Target : IBackupTarget, IProvisionableTarget, IDisposable
{
    /// <summary>S3's limit on parts per multipart upload.</summary>
    public const int MaxParts = 10_000;

    private readonly IAmazonS3 _client;
    private readonly S3TargetOptions _options;
    private readonly string _prefix;
    private readonly S3Errors _errors;

    public S3Target(string name, S3TargetOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        if (options.PartSize < PartSizing.S3MinPartSize || options.PartSize > PartSizing.MaxPartSize)
            throw new TargetConfigurationException(name, $"Target '{name}': PartSize must be between 5 MiB and 512 MiB (got {options.PartSize}).");
        Name = name;
        _options = options;
        _prefix = NormalizePrefix(options.Prefix);
        _errors = new S3Errors(name, options.Bucket, options.ServiceUrl);
        _client = new AmazonS3Client(Credentials(options), Config(options));
    }

    public string Name { get; }

    public async Task<TargetObjectInfo> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken ct = default)
    {
        TargetKey.Validate(key);
        ArgumentNullException.ThrowIfNull(content);
        // The fallback for stores that ignore If-None-Match, and a refusal before any part is sent.
        if (await ExistsAsync(key, ct)) throw new TargetObjectExistsException(Name, key);
        var settings = new UploadSettings(_options.PartSize, MaxParts, Math.Max(1, _options.UploadParallelism));
        var sink = new MultipartSink(this, key, options?.ContentType ?? "application/octet-stream");
        return await PartitionedUploader.UploadAsync(Name, key, content, options?.ExpectedLength, settings, sink, ct);
    }

    public async Task<Stream> OpenReadAsync(string key, ByteRange? range = null, CancellationToken ct = default)
    {
        TargetKey.Validate(key);
        var request = new GetObjectRequest { BucketName = _options.Bucket, Key = _prefix + key };
        if (range is { } r) request.ByteRange = new Amazon.S3.Model.ByteRange(r.ToHttpHeaderValue());
        try
        {
            var response = await _client.GetObjectAsync(request, ct);
            return new ErrorMappingReadStream(response.ResponseStream, (ex, t) => _errors.Map(ex, "Reading", key, t), response);
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
            var m = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _options.Bucket, Key = _prefix + key }, ct);
            return new TargetObjectInfo(key, m.ContentLength, ToOffset(m.LastModified), Unquote(m.ETag)) { RetainUntil = ToOffset(m.ObjectLockRetainUntilDate) };
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound && ex.ErrorCode != "NoSuchBucket")
        {
            // HEAD has no body, so a missing bucket looks like a missing key here. Ask once more with a
            // request whose error has a body: it throws NoSuchBucket when the bucket is the problem.
            await EnsureBucketExistsAsync(key, ct);
            return null;
        }
        catch (Exception ex) when (_errors.Map(ex, "Stat", key, ct) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <summary>One HEAD. A missing bucket reads as "no object" here; the put that follows then says NoSuchBucket.</summary>
    private async Task<bool> ExistsAsync(string key, CancellationToken ct)
    {
        try
        {
            await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _options.Bucket, Key = _prefix + key }, ct);
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (Exception ex) when (_errors.Map(ex, "Stat", key, ct) is { } mapped)
        {
            throw mapped;
        }
    }

    private async Task EnsureBucketExistsAsync(string key, CancellationToken ct)
    {
        try
        {
            await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = _prefix + key, MaxKeys = 1 }, ct);
        }
        catch (Exception ex) when (_errors.Map(ex, "Stat", key, ct) is { } mapped)
        {
            throw mapped;
        }
    }

    public async IAsyncEnumerable<TargetObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        TargetKey.ValidatePrefix(prefix);
        var request = new ListObjectsV2Request
        {
            BucketName = _options.Bucket,
            Prefix = _prefix + prefix,
            MaxKeys = Math.Clamp(_options.ListPageSize, 1, 1000),
        };
        while (true)
        {
            ListObjectsV2Response page;
            try
            {
                page = await _client.ListObjectsV2Async(request, ct);
            }
            catch (Exception ex) when (_errors.Map(ex, "Listing", null, ct) is { } mapped)
            {
                throw mapped;
            }
            foreach (var o in page.S3Objects ?? [])
            {
                var key = o.Key[_prefix.Length..];
                if (TargetKey.IsValid(key)) yield return new TargetObjectInfo(key, o.Size ?? 0, ToOffset(o.LastModified), Unquote(o.ETag));
            }
            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken)) yield break;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken ct = default)
    {
        TargetKey.Validate(key);
        try
        {
            // S3 answers 204 for a missing key too, so this is idempotent without a HEAD first.
            await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _options.Bucket, Key = _prefix + key }, ct);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchKey")
        {
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
            // A one-key listing tells "missing" from "there" on every S3 dialect (s3rver lacks GetBucketAcl).
            await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _options.Bucket, MaxKeys = 1 }, ct);
            return false;
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode is "NoSuchBucket")
        {
            try
            {
                await _client.PutBucketAsync(new PutBucketRequest { BucketName = _options.Bucket }, ct);
                return true;
            }
            catch (AmazonS3Exception raced) when (raced.ErrorCode is "BucketAlreadyOwnedByYou")
            {
                return false;
            }
            catch (Exception other) when (_errors.Map(other, "Creating bucket", "", ct) is { } mapped)
            {
                throw mapped;
            }
        }
        catch (Exception ex) when (_errors.Map(ex, "Creating bucket", "", ct) is { } mapped)
        {
            throw mapped;
        }
    }

    public void Dispose() => _client.Dispose();

    public override string ToString() => $"{Name} (s3 {_options.ServiceUrl ?? "AWS"} bucket {_options.Bucket}{(_prefix.Length > 0 ? "/" + _prefix : "")})";

    internal static string NormalizePrefix(string? prefix)
    {
        var p = (prefix ?? "").Trim('/');
        if (p.Length == 0) return "";
        TargetKey.Validate(p, nameof(prefix));
        return p + "/";
    }

    private static AWSCredentials? Credentials(S3TargetOptions o)
    {
        if (string.IsNullOrEmpty(o.AccessKey)) return null; // default chain
        return string.IsNullOrEmpty(o.SessionToken)
            ? new BasicAWSCredentials(o.AccessKey, o.SecretKey)
            : new SessionAWSCredentials(o.AccessKey, o.SecretKey, o.SessionToken);
    }

    private static AmazonS3Config Config(S3TargetOptions o)
    {
        var checksums = o.EffectiveChecksumMode == S3ChecksumMode.WhenRequired;
        var config = new AmazonS3Config
        {
            ForcePathStyle = o.ForcePathStyle ?? !string.IsNullOrEmpty(o.ServiceUrl),
            RequestChecksumCalculation = checksums ? RequestChecksumCalculation.WHEN_REQUIRED : RequestChecksumCalculation.WHEN_SUPPORTED,
            ResponseChecksumValidation = checksums ? ResponseChecksumValidation.WHEN_REQUIRED : ResponseChecksumValidation.WHEN_SUPPORTED,
            MaxErrorRetry = 0,
            Timeout = o.RequestTimeout,
            ConnectTimeout = o.ConnectTimeout,
        };
        var region = string.IsNullOrEmpty(o.Region) ? "us-east-1" : o.Region;
        if (string.IsNullOrEmpty(o.ServiceUrl))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        else
        {
            config.ServiceURL = o.ServiceUrl;
            config.AuthenticationRegion = region;
        }
        return config;
    }

    private static DateTimeOffset? ToOffset(DateTime? value) =>
        value is { } v ? new DateTimeOffset(v.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : v.ToUniversalTime()) : null;

    private static string? Unquote(string? etag) => etag?.Trim('"');

    /// <summary>The S3 steps of one upload.</summary>
    private sealed class MultipartSink(S3Target target, string key, string contentType) : IPartSink
    {
        private readonly Dictionary<int, string> _etags = [];
        private string? _uploadId;

        private string FullKey => target._prefix + key;

        public async Task<TargetObjectInfo> PutSingleAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
        {
            try
            {
                using var body = Body(data);
                var request = new PutObjectRequest
                {
                    BucketName = target._options.Bucket,
                    Key = FullKey,
                    InputStream = body,
                    AutoCloseStream = false,
                    ContentType = contentType,
                    MD5Digest = Md5(data),
                    // Never aws-chunked: old S3 clones stored the chunk framing as data.
                    UseChunkEncoding = false,
                    IfNoneMatch = "*",
                };
                target._options.ObjectLock?.ApplyTo(request, DateTimeOffset.UtcNow);
                var response = await target._client.PutObjectAsync(request, ct);
                return new TargetObjectInfo(key, data.Length, DateTimeOffset.UtcNow, Unquote(response.ETag));
            }
            catch (AmazonS3Exception ex) when (IsKeyTaken(ex))
            {
                throw new TargetObjectExistsException(target.Name, key, innerException: ex);
            }
            catch (Exception ex) when (target._errors.Map(ex, "Upload", key, ct) is { } mapped)
            {
                throw mapped;
            }
        }

        public async Task BeginAsync(CancellationToken ct)
        {
            try
            {
                var request = new InitiateMultipartUploadRequest
                {
                    BucketName = target._options.Bucket,
                    Key = FullKey,
                    ContentType = contentType,
                };
                target._options.ObjectLock?.ApplyTo(request, DateTimeOffset.UtcNow);
                var response = await target._client.InitiateMultipartUploadAsync(request, ct);
                _uploadId = response.UploadId;
            }
            catch (Exception ex) when (target._errors.Map(ex, "Starting the multipart upload", key, ct) is { } mapped)
            {
                throw mapped;
            }
        }

        public async Task StagePartAsync(int partNumber, ReadOnlyMemory<byte> data, CancellationToken ct)
        {
            try
            {
                using var body = Body(data);
                var response = await target._client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = target._options.Bucket,
                    Key = FullKey,
                    UploadId = _uploadId,
                    PartNumber = partNumber,
                    PartSize = data.Length,
                    InputStream = body,
                    MD5Digest = Md5(data),
                    UseChunkEncoding = false,
                }, ct);
                lock (_etags) _etags[partNumber] = response.ETag;
            }
            catch (Exception ex) when (target._errors.Map(ex, $"Upload of part {partNumber}", key, ct) is { } mapped)
            {
                throw mapped;
            }
        }

        public async Task<TargetObjectInfo> CommitAsync(int partCount, long totalLength, CancellationToken ct)
        {
            try
            {
                var request = new CompleteMultipartUploadRequest
                {
                    BucketName = target._options.Bucket,
                    Key = FullKey,
                    UploadId = _uploadId,
                    IfNoneMatch = "*",
                };
                lock (_etags)
                {
                    request.PartETags = Enumerable.Range(1, partCount).Select(n => new PartETag(n, _etags[n])).ToList();
                }
                var response = await target._client.CompleteMultipartUploadAsync(request, ct);
                return new TargetObjectInfo(key, totalLength, DateTimeOffset.UtcNow, Unquote(response.ETag));
            }
            catch (AmazonS3Exception ex) when (IsKeyTaken(ex))
            {
                throw new TargetObjectExistsException(target.Name, key, innerException: ex);
            }
            catch (Exception ex) when (target._errors.Map(ex, "Completing the multipart upload", key, ct) is { } mapped)
            {
                throw mapped;
            }
        }

        public async Task AbortAsync()
        {
            if (_uploadId is null) return;
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await target._client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
                {
                    BucketName = target._options.Bucket,
                    Key = FullKey,
                    UploadId = _uploadId,
                }, timeout.Token);
            }
            catch (Exception)
            {
                // Best effort: a bucket lifecycle rule for incomplete multipart uploads cleans up the rest (docs/targets.md).
            }
        }

        /// <summary>The store's answer to If-None-Match: * when the key is taken.</summary>
        private static bool IsKeyTaken(AmazonS3Exception ex) =>
            ex.StatusCode == System.Net.HttpStatusCode.PreconditionFailed || ex.ErrorCode == "PreconditionFailed";

        private static MemoryStream Body(ReadOnlyMemory<byte> data) =>
            System.Runtime.InteropServices.MemoryMarshal.TryGetArray(data, out var segment)
                ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(data.ToArray(), writable: false);

        private static string Md5(ReadOnlyMemory<byte> data) =>
            Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(data.Span));
    }
}
