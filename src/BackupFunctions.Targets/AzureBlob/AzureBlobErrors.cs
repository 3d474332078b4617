using Azure;
using Azure.Identity;

namespace BackupFunctions.Targets.AzureBlob;

/// <summary>
/// Turns Azure SDK exceptions into the target error hierarchy, deciding transient from the status and
/// error code: 5xx, 408, 429, ServerBusy, OperationTimedOut and network failures are transient.
/// </summary>
internal sealed class AzureBlobErrors(string targetName, string account, string container)
{
    private string Where => $"target '{targetName}' (container '{container}' in {account})";

    public Exception? Map(Exception ex, string operation, string? key, CancellationToken ct)
    {
        if (ex is TargetException) return null;
        if (ex is OperationCanceledException && ct.IsCancellationRequested) return null;
        var what = $"{operation}{(key is null ? "" : $" of '{key}'")}";

        if (ex is AuthenticationFailedException or CredentialUnavailableException)
            return new TargetConfigurationException(targetName,
                $"{what} could not authenticate to {Where}: {ex.Message} Check the credential (managed identity, environment or az login) and its role on the container.", ex);

        if (ex is RequestFailedException rf)
        {
            var code = rf.ErrorCode ?? "";
            if (code == "ContainerNotFound")
                return new TargetConfigurationException(targetName,
                    $"Container '{container}' does not exist in {Where}. Create the container, or fix the Container and account settings.", ex);
            if (code == "BlobNotFound" || (rf.Status == 404 && key is not null && code.Length == 0))
                return new TargetNotFoundException(targetName, key ?? "", ex);
            if (rf.Status is 401 or 403 || code is "AuthenticationFailed" or "AuthorizationFailure" or "AuthorizationPermissionMismatch" or "InvalidAuthenticationInfo")
                return new TargetConfigurationException(targetName,
                    $"{what} was refused by {Where}: {code}. Check the account key or credential, and its permissions on the container.", ex);
            if (rf.Status == 0 && NetworkErrors.IsNetworkFailure(ex, ct))
                return Unavailable(what, ex);
            var transient = rf.Status >= 500 || rf.Status is 408 or 429 || code is "ServerBusy" or "OperationTimedOut" or "InternalError";
            return new TargetException(targetName, $"{what} failed in {Where}: HTTP {rf.Status} {code} {FirstLine(rf.Message)}", transient, ex);
        }

        if (NetworkErrors.IsNetworkFailure(ex, ct)) return Unavailable(what, ex);

        // The SDK throws this when an error answer's body is not the XML it expects, e.g. an HTML page
        // from a proxy or load balancer in front of the service; such answers are almost always 5xx.
        if (ex is System.Xml.XmlException)
            return new TargetException(targetName, $"{what} got an unreadable error response from {Where}: {ex.Message}", isTransient: true, ex);
        return null;
    }

    private TargetUnavailableException Unavailable(string what, Exception ex) =>
        new(targetName, $"{what} could not reach {Where}: {NetworkErrors.RootMessage(ex)}. Check the account URL and that the service is reachable; this is retried.", ex);

    // Azure's messages append the whole response, headers included; the first line is the useful part.
    private static string FirstLine(string message)
    {
        var i = message.IndexOf('\n');
        return (i < 0 ? message : message[..i]).Trim();
    }
}
