namespace BackupFunctions.Targets.S3;

/// <summary>
/// When the AWS SDK adds request checksums and validates response checksums. Since the SDKs' January
/// 2025 change the default is <see cref="WhenSupported"/>, which sends aws-chunked bodies with trailing
/// CRCs that R2, B2, MinIO and older S3 clones reject or, worse, store as data.
/// </summary>
public enum S3ChecksumMode
{
    /// <summary>Only when an operation requires it. The safe choice for every non-AWS store.</summary>
    WhenRequired,

    /// <summary>Whenever the operation supports it (the SDK default; fine for AWS itself).</summary>
    WhenSupported,
}
