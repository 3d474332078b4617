namespace BackupFunctions.Host.Hosting;

/// <summary>Where this host listens, whether timers run here, and where the management URLs it hands out point.</summary>
public sealed record HostMode(string Urls, bool RunTimers, string ManagementBasePath)
{
    /// <summary>Where the Durable Functions management API lives, as in a Function App.</summary>
    public const string RuntimeWebhookPath = "/runtime/webhooks/durabletask";

    public static HostMode Resolve(BackupHostOptions options) => new(options.Urls, options.RunTimers, RuntimeWebhookPath);
}
