namespace BackupFunctions.Targets;

/// <summary>
/// One place that stores backup objects: a directory, an S3 bucket (AWS, R2, B2, MinIO) or an
/// Azure blob container. Behaviour such as retry, concurrency limits and logging is added by
/// wrappers around this same interface (restic style), never inside the backends.
/// </summary>
/// <remarks>
/// Keys are '/'-separated relative paths ("db/2026/11/27/full.bfa"); see <see cref="TargetKey"/>.
/// Every member throws <see cref="TargetException"/> (or a subclass) for storage failures, with
/// <see cref="TargetException.IsTransient"/> decided by the backend that saw the failure.
/// </remarks>
public interface IBackupTarget
{
    /// <summary>The configured name of this target ("local", "s3", ...), used in messages and logs.</summary>
    string Name { get; }

    /// <summary>
    /// Stores <paramref name="content"/> under <paramref name="key"/>, which must be free: a put never
    /// replaces a stored object. When one is there (before the put, or by the time it would become
    /// visible) the put throws <see cref="TargetObjectExistsException"/> and the stored object stays as
    /// it was (create-new on disk, If-None-Match: * on S3 and Azure). The object becomes visible only
    /// once complete: a failed put never leaves a partial object under the key. Large content is
    /// streamed in bounded parts; the length may be unknown (a pipeline stream). Retrying wrappers can
    /// replay only seekable streams, so pass a <see cref="FileStream"/> when you want whole-put retries.
    /// </summary>
    Task<TargetObjectInfo> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken ct = default);

    /// <summary>Opens the object (or a byte range of it) for reading. Throws <see cref="TargetNotFoundException"/> if it is missing.</summary>
    Task<Stream> OpenReadAsync(string key, ByteRange? range = null, CancellationToken ct = default);

    /// <summary>Returns the object's size and metadata, or null when there is no object under the key.</summary>
    Task<TargetObjectInfo?> StatAsync(string key, CancellationToken ct = default);

    /// <summary>Lists objects whose key starts with <paramref name="prefix"/> (a plain string prefix, "" for all), in ordinal key order.</summary>
    IAsyncEnumerable<TargetObjectInfo> ListAsync(string prefix, CancellationToken ct = default);

    /// <summary>Deletes the object. Deleting a missing object succeeds (idempotent).</summary>
    Task DeleteAsync(string key, CancellationToken ct = default);
}
