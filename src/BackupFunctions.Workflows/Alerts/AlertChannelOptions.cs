namespace BackupFunctions.Workflows.Alerts;

/// <summary>
/// One channel: "BackupFunctions:Alerts:Channels:{name}". Secrets (<see cref="SigningKey"/>, <see cref="Password"/>,
/// and the Slack/Teams URL, which is itself a credential) come from configuration, environment variables or Key Vault
/// references and are never logged or recorded.
/// </summary>
public sealed class AlertChannelOptions
{
    public AlertChannelType? Type { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>The least severe alert this channel gets: info, warning (default) or critical.</summary>
    public string MinSeverity { get; set; } = AlertSeverity.Warning;

    /// <summary>Webhook, Slack and Teams: where to POST.</summary>
    public string? Url { get; set; }

    /// <summary>Webhook: the HMAC-SHA256 key for the X-BackupFunctions-Signature header (at least 16 characters).</summary>
    public string? SigningKey { get; set; }

    /// <summary>Smtp: the server.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>Smtp: StartTls (default), SslOnConnect, StartTlsWhenAvailable or None (only for a relay on the same host).</summary>
    public string Security { get; set; } = "StartTls";

    public string? Username { get; set; }

    public string? Password { get; set; }

    public string? From { get; set; }

    public List<string> To { get; set; } = [];
}
