using Amazon.S3;
using Amazon.S3.Model;

namespace BackupFunctions.Targets.S3;

/// <summary>
/// S3 Object Lock retention set on every new object (AWS, Backblaze B2, MinIO; the bucket must have Object Lock
/// enabled): the put carries <c>x-amz-object-lock-mode</c> and <c>x-amz-object-lock-retain-until-date</c>, so the
/// object cannot be deleted or replaced before then, not even by these credentials in compliance mode.
/// </summary>
/// <param name="Duration">How long each new object stays locked.</param>
/// <param name="Compliance">Compliance mode (nobody can shorten it) instead of governance (a principal with s3:BypassGovernanceRetention can).</param>
public sealed record S3ObjectLock(TimeSpan Duration, bool Compliance = false)
{
    public ObjectLockMode Mode => Compliance ? ObjectLockMode.Compliance : ObjectLockMode.Governance;

    public DateTime RetainUntil(DateTimeOffset now) => now.UtcDateTime.Add(Duration);

    public void ApplyTo(PutObjectRequest request, DateTimeOffset now)
    {
        request.ObjectLockMode = Mode;
        request.ObjectLockRetainUntilDate = RetainUntil(now);
    }

    public void ApplyTo(InitiateMultipartUploadRequest request, DateTimeOffset now)
    {
        request.ObjectLockMode = Mode;
        request.ObjectLockRetainUntilDate = RetainUntil(now);
    }
}
