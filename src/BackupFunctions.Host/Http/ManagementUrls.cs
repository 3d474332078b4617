using BackupFunctions.Host.Hosting;
using BackupFunctions.Host.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace BackupFunctions.Host.Http;

/// <summary>
/// Builds the absolute management URLs of an instance, in the Durable Functions shapes. The base is the configured
/// public URL, else the request's own scheme and host; the key travels along only if the caller sent it as ?code=,
/// so a key sent in a header is never copied into a URL (and into logs and browser histories).
/// </summary>
internal sealed class ManagementUrls(HostMode mode, IOptions<BackupHostOptions> options)
{
    public HttpManagementPayload For(HttpRequest request, string instanceId)
    {
        var instance = InstanceUrl(request, instanceId);
        var code = CodeQuery(request);
        return new HttpManagementPayload(
            instanceId,
            StatusQueryGetUri: instance + code.First,
            SendEventPostUri: instance + "/raiseEvent/{eventName}" + code.First,
            TerminatePostUri: instance + "/terminate?reason={text}" + code.Next,
            PurgeHistoryDeleteUri: instance + code.First,
            RestartPostUri: instance + "/restart" + code.First,
            SuspendPostUri: instance + "/suspend?reason={text}" + code.Next,
            ResumePostUri: instance + "/resume?reason={text}" + code.Next);
    }

    public string StatusUrl(HttpRequest request, string instanceId) => InstanceUrl(request, instanceId) + CodeQuery(request).First;

    private string InstanceUrl(HttpRequest request, string instanceId) =>
        $"{BaseUrl(request)}{mode.ManagementBasePath}/instances/{Uri.EscapeDataString(instanceId)}";

    private string BaseUrl(HttpRequest request)
    {
        if (!string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl))
        {
            return options.Value.PublicBaseUrl.TrimEnd('/');
        }

        return $"{request.Scheme}://{request.Host}{request.PathBase}";
    }

    private static (string First, string Next) CodeQuery(HttpRequest request)
    {
        if (!request.Query.TryGetValue(KeyAuthorizationFilter.QueryName, out var code) || string.IsNullOrEmpty(code.ToString()))
        {
            return ("", "");
        }

        var escaped = Uri.EscapeDataString(code.ToString());
        return ($"?code={escaped}", $"&code={escaped}");
    }
}
