using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace BackupFunctions.Host.Hosting;

/// <summary>
/// Whether this process is a standalone server or an Azure Functions custom handler, and what follows from it:
/// where to listen, whether timers run here, and where the management URLs we hand out point.
/// </summary>
public sealed record HostMode(bool IsCustomHandler, string Urls, bool RunTimers, string ManagementBasePath)
{
    public const string CustomHandlerArgument = "--custom-handler";
    public const string CustomHandlerPortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    /// <summary>Where the Durable Functions management API lives on a standalone host.</summary>
    public const string RuntimeWebhookPath = "/runtime/webhooks/durabletask";

    /// <summary>The same API under the Functions HTTP route prefix: the Functions host owns /runtime/webhooks, so this is what it forwards to us.</summary>
    public const string ApiRoutePath = "/api/durabletask";

    public static HostMode Resolve(string[] args, IConfiguration configuration, BackupHostOptions options)
    {
        var portText = configuration[CustomHandlerPortVariable];
        var isCustomHandler = args.Contains(CustomHandlerArgument, StringComparer.OrdinalIgnoreCase) || !string.IsNullOrWhiteSpace(portText);
        if (!isCustomHandler)
        {
            return new HostMode(false, options.Urls, options.RunTimers, RuntimeWebhookPath);
        }

        var urls = options.Urls;
        if (!string.IsNullOrWhiteSpace(portText))
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
            {
                throw new HostStartupException(
                    $"{CustomHandlerPortVariable}='{portText}' is not a TCP port. The Azure Functions host sets it; unset it to run standalone.");
            }

            // The Functions host talks to its handler over loopback only; nothing else should reach it directly.
            urls = $"http://127.0.0.1:{port}";
        }

        return new HostMode(true, urls, RunTimers: false, ApiRoutePath);
    }
}
