namespace BackupFunctions.Workflows.Alerts;

/// <summary>Builds the enabled channels from "BackupFunctions:Alerts:Channels" (checked by <see cref="AlertOptions.Validate"/>).</summary>
public static class AlertChannelFactory
{
    // One client for every HTTP channel: pooled connections, and DNS changes picked up.
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public static IReadOnlyList<IAlertChannel> Create(AlertOptions options)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The alert channels are misconfigured:\n  - " + string.Join("\n  - ", problems));
        }

        return options.Channels
            .Where(c => c.Value.Enabled)
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => Create(c.Key, c.Value, options.Delivery))
            .ToList();
    }

    private static IAlertChannel Create(string name, AlertChannelOptions c, AlertDeliveryOptions delivery) => c.Type switch
    {
        AlertChannelType.Webhook => new WebhookChannel(name, c.MinSeverity, new Uri(c.Url!), c.SigningKey!, Http),
        AlertChannelType.Slack => new SlackChannel(name, c.MinSeverity, new Uri(c.Url!), Http),
        AlertChannelType.Teams => new TeamsChannel(name, c.MinSeverity, new Uri(c.Url!), Http),
        AlertChannelType.Smtp => new SmtpChannel(name, c, delivery.AttemptTimeout),
        _ => throw new InvalidOperationException($"Alert channel '{name}' has no type."),
    };
}
