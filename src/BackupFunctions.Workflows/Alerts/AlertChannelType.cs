namespace BackupFunctions.Workflows.Alerts;

public enum AlertChannelType
{
    /// <summary>A generic HTTP endpoint: a JSON body signed with HMAC-SHA256.</summary>
    Webhook,

    /// <summary>E-mail over SMTP (MailKit).</summary>
    Smtp,

    /// <summary>A Slack incoming webhook.</summary>
    Slack,

    /// <summary>A Microsoft Teams incoming webhook (Workflows / Power Automate), as an Adaptive Card.</summary>
    Teams,
}
