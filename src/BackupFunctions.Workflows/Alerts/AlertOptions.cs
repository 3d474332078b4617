namespace BackupFunctions.Workflows.Alerts;

/// <summary>"BackupFunctions:Alerts": where alerts go and what raises them (docs/alerts.md).</summary>
public sealed class AlertOptions
{
    /// <summary>By name; the name shows in the notifications table. No channel: alerts are only recorded.</summary>
    public Dictionary<string, AlertChannelOptions> Channels { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public AlertDeliveryOptions Delivery { get; set; } = new();

    public AlertRuleOptions Rules { get; set; } = new();

    public MissedScheduleOptions MissedSchedules { get; set; } = new();

    public TargetUsageOptions Usage { get; set; } = new();

    /// <summary>Every problem as a sentence a person can act on.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var (name, c) in Channels)
        {
            var at = $"BackupFunctions:Alerts:Channels:{name}";
            if (!c.Enabled)
            {
                continue;
            }

            if (c.Type is null)
            {
                problems.Add($"{at}:Type is not set: use Webhook, Smtp, Slack or Teams.");
                continue;
            }

            if (!AlertSeverity.IsKnown(c.MinSeverity))
            {
                problems.Add($"{at}:MinSeverity '{c.MinSeverity}' is not info, warning or critical.");
            }

            if (c.Type == AlertChannelType.Smtp)
            {
                if (string.IsNullOrWhiteSpace(c.Host))
                {
                    problems.Add($"{at}:Host is not set: give the SMTP server.");
                }

                if (string.IsNullOrWhiteSpace(c.From) || c.To.Count == 0 || c.To.Any(string.IsNullOrWhiteSpace))
                {
                    problems.Add($"{at}: set From and at least one To address.");
                }

                if (!SmtpChannel.TryParseSecurity(c.Security, out _))
                {
                    problems.Add($"{at}:Security '{c.Security}' is not StartTls, SslOnConnect, StartTlsWhenAvailable or None.");
                }

                if (c.Port is < 1 or > 65535)
                {
                    problems.Add($"{at}:Port {c.Port} is not a TCP port.");
                }
            }
            else
            {
                if (!Uri.TryCreate(c.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                {
                    problems.Add($"{at}:Url is not an http(s) URL.");
                }

                if (c.Type == AlertChannelType.Webhook && (c.SigningKey is null || c.SigningKey.Length < 16))
                {
                    problems.Add($"{at}:SigningKey must be set (at least 16 characters): receivers check the X-BackupFunctions-Signature header with it.");
                }
            }
        }

        if (Delivery.MaxAttempts is < 1 or > 10)
        {
            problems.Add("BackupFunctions:Alerts:Delivery:MaxAttempts must be between 1 and 10.");
        }

        if (Rules.HistoryCount < 1 || Rules.MinHistory < 1 || Rules.SizeDeviation <= 0 || Rules.DurationFactor <= 1)
        {
            problems.Add("BackupFunctions:Alerts:Rules: HistoryCount and MinHistory must be at least 1, SizeDeviation above 0, DurationFactor above 1.");
        }

        if (MissedSchedules.Grace < TimeSpan.Zero)
        {
            problems.Add("BackupFunctions:Alerts:MissedSchedules:Grace cannot be negative: give how long after a due time its run may still land (e.g. 04:00:00).");
        }

        if (Usage.WarningPercent is <= 0 or > 100 || Usage.CriticalPercent is <= 0 or > 100 || Usage.CriticalPercent < Usage.WarningPercent)
        {
            problems.Add("BackupFunctions:Alerts:Usage: WarningPercent and CriticalPercent must be between 0 and 100, critical at or above warning (e.g. 80 and 95).");
        }

        foreach (var (schedule, severity) in MissedSchedules.Severity)
        {
            if (!AlertSeverity.IsKnown(severity))
            {
                problems.Add($"BackupFunctions:Alerts:MissedSchedules:Severity:{schedule} '{severity}' is not info, warning or critical.");
            }
        }

        return problems;
    }
}
