using System.Net;
using Amazon.Runtime;
using Amazon.S3;

namespace BackupFunctions.Targets.S3;

/// <summary>
/// Turns AWS SDK exceptions into the target error hierarchy. Transient is decided here, from the
/// status and error code the store sent: 5xx, 429, SlowDown, RequestTimeout, IncompleteBody
/// ("request body too small", seen from B2 and MinIO) and network failures.
/// </summary>
internal sealed class S3Errors(string targetName, string bucket, string? serviceUrl)
{
    private static readonly HashSet<string> TransientCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "SlowDown", "RequestTimeout", "RequestTimeTooSkewed", "IncompleteBody", "InternalError", "ServiceUnavailable",
        "Throttling", "ThrottlingException", "TooManyRequests", "RequestLimitExceeded", "OperationAborted", "BadDigest",
        // AWS: a conditional write raced another write to the same key; asking again gets the real answer.
        "ConditionalRequestConflict",
    };

    private static readonly HashSet<string> CredentialCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken", "AllAccessDisabled", "Unauthorized",
    };

    private string Where => $"target '{targetName}' (bucket '{bucket}' at {serviceUrl ?? "AWS"})";

    /// <summary>
    /// The exception to throw instead of <paramref name="ex"/>, or null to let it through unchanged
    /// (caller-requested cancellation, or already a <see cref="TargetException"/>).
    /// </summary>
    public Exception? Map(Exception ex, string operation, string? key, CancellationToken ct)
    {
        if (ex is TargetException) return null;
        if (ex is OperationCanceledException && ct.IsCancellationRequested) return null;

        if (ex is AmazonS3Exception s3)
        {
            var code = s3.ErrorCode ?? "";
            var status = (int)s3.StatusCode;
            if (code == "NoSuchBucket")
                return new TargetConfigurationException(targetName,
                    $"Bucket '{bucket}' does not exist in {Where}. Create the bucket, or fix the Bucket, ServiceUrl and Region settings.", ex);
            if (code == "NoSuchKey" || (status == 404 && key is not null && code is "" or "NotFound"))
                return new TargetNotFoundException(targetName, key ?? "", ex);
            if (CredentialCodes.Contains(code) || s3.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
                return new TargetConfigurationException(targetName,
                    $"{operation} was refused by {Where}: {code} {s3.Message}. Check the access key and secret key, and that they may use this bucket.", ex);
            if (code is "PermanentRedirect" or "AuthorizationHeaderMalformed" or "IllegalLocationConstraintException" || status == 301)
                return new TargetConfigurationException(targetName,
                    $"{operation} was redirected by {Where}: {code} {s3.Message}. Check the Region and ServiceUrl settings.", ex);
            var transient = status >= 500 || status == 429 || TransientCodes.Contains(code)
                || s3.Message?.Contains("request body too small", StringComparison.OrdinalIgnoreCase) == true
                || (status == 0 && NetworkErrors.IsNetworkFailure(ex, ct));
            return new TargetException(targetName,
                $"{operation}{(key is null ? "" : $" of '{key}'")} failed in {Where}: HTTP {status} {code} {s3.Message}", transient, ex);
        }

        if (NetworkErrors.IsNetworkFailure(ex, ct))
            return new TargetUnavailableException(targetName,
                $"{operation}{(key is null ? "" : $" of '{key}'")} could not reach {Where}: {NetworkErrors.RootMessage(ex)}. " +
                "Check the ServiceUrl and that the store is reachable; this is retried.", ex);

        if (ex is AmazonServiceException service)
            return new TargetException(targetName,
                $"{operation}{(key is null ? "" : $" of '{key}'")} failed in {Where}: HTTP {(int)service.StatusCode} {service.ErrorCode} {service.Message}",
                (int)service.StatusCode >= 500 || (int)service.StatusCode == 429, ex);

        if (ex is AmazonClientException client)
            return new TargetConfigurationException(targetName,
                $"{operation} could not start for {Where}: {client.Message}. Check the credentials and the S3 settings.", ex);

        return null;
    }
}
