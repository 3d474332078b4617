namespace BackupFunctions.Targets;

/// <summary>Optional hints for <see cref="IBackupTarget.PutAsync"/>.</summary>
public sealed record PutOptions
{
    /// <summary>
    /// The expected size in bytes (exact, or an upper estimate) when the stream cannot tell it. Used only
    /// to choose a part size that keeps a multipart upload under the store's part limit; the bytes
    /// actually written are whatever the stream yields. Seekable streams report their own length.
    /// </summary>
    public long? ExpectedLength { get; init; }

    /// <summary>The content type to record, where the store keeps one. Defaults to application/octet-stream.</summary>
    public string? ContentType { get; init; }

    /// <summary>
    /// Ask the target to read the bytes back from the store as it writes them, and to return their hash in
    /// <see cref="TargetObjectInfo.ReadBack"/>, so that the copy needs no second read to be verified. A target that
    /// cannot (a cloud store, whose read-back is a download after the commit) ignores it.
    /// </summary>
    public bool ReadBack { get; init; }
}
