namespace BackupFunctions.Targets.Upload;

/// <summary>
/// The store-specific steps of one upload, driven by <see cref="PartitionedUploader"/> (the
/// Azure.Storage "one algorithm, service steps passed in" pattern). Nothing becomes visible under the
/// final key before <see cref="PutSingleAsync"/> or <see cref="CommitAsync"/> succeeds.
/// </summary>
internal interface IPartSink
{
    /// <summary>Stores an object small enough for one request.</summary>
    Task<TargetObjectInfo> PutSingleAsync(ReadOnlyMemory<byte> data, CancellationToken ct);

    /// <summary>Starts a multipart upload (S3 CreateMultipartUpload; nothing for Azure).</summary>
    Task BeginAsync(CancellationToken ct);

    /// <summary>Uploads part <paramref name="partNumber"/> (1-based). May be called concurrently and retried.</summary>
    Task StagePartAsync(int partNumber, ReadOnlyMemory<byte> data, CancellationToken ct);

    /// <summary>Makes the parts 1..<paramref name="partCount"/> visible as one object under the key.</summary>
    Task<TargetObjectInfo> CommitAsync(int partCount, long totalLength, CancellationToken ct);

    /// <summary>Best-effort clean-up of staged parts after a failure. Must not throw.</summary>
    Task AbortAsync();
}
