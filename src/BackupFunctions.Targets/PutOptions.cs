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
}
