using Azure.Storage.Blobs.Models;

namespace BackupFunctions.Targets.AzureBlob;

/// <summary>
/// A version-level immutability policy set on every new blob (the account or container must have version-level
/// immutability support enabled): the blob cannot be deleted or overwritten before it expires. Unlocked mode, so an
/// administrator can still shorten a policy set by mistake; the container's own locked policy is the stricter tool.
/// </summary>
/// <param name="Duration">How long each new blob stays immutable.</param>
public sealed record AzureImmutability(TimeSpan Duration)
{
    public BlobImmutabilityPolicy PolicyFrom(DateTimeOffset now) => new()
    {
        ExpiresOn = now.Add(Duration),
        PolicyMode = BlobImmutabilityPolicyMode.Unlocked,
    };
}
