using BackupFunctions.Workflows.Alerts;

namespace BackupFunctions.Workflows.Tests.Alerts;

public sealed class AlertOptionsTests
{
    [Fact]
    public void Each_misconfigured_channel_is_named_with_what_to_fix()
    {
        var options = new AlertOptions
        {
            Channels =
            {
                ["hook"] = new() { Type = AlertChannelType.Webhook, Url = "ftp://x", SigningKey = "short" },
                ["mail"] = new() { Type = AlertChannelType.Smtp, Security = "Maybe", MinSeverity = "loud" },
                ["none"] = new(),
                ["off"] = new() { Enabled = false },
            },
        };

        var problems = options.Validate();

        Assert.Contains(problems, p => p.StartsWith("BackupFunctions:Alerts:Channels:hook:Url", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("BackupFunctions:Alerts:Channels:hook:SigningKey", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("BackupFunctions:Alerts:Channels:mail:Host", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("mail: set From", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("mail:Security 'Maybe'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("mail:MinSeverity 'loud'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("BackupFunctions:Alerts:Channels:none:Type", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains(":off", StringComparison.Ordinal));
        Assert.Throws<InvalidOperationException>(() => AlertChannelFactory.Create(options));
    }

    [Fact]
    public void No_channel_is_valid_and_sends_nowhere() => Assert.Empty(AlertChannelFactory.Create(new AlertOptions()));

    [Fact]
    public void Bad_dead_man_and_usage_settings_are_named_and_the_defaults_are_valid()
    {
        Assert.Empty(new AlertOptions().Validate());
        Assert.Equal("critical", new AlertOptions().MissedSchedules.SeverityOf("FullBackup"));
        Assert.Equal("warning", new AlertOptions().MissedSchedules.SeverityOf("TestRestore"));

        var options = new AlertOptions();
        options.MissedSchedules.Grace = TimeSpan.FromMinutes(-5);
        options.MissedSchedules.Severity["TestRestore"] = "urgent";
        options.Usage.WarningPercent = 96;
        var problems = options.Validate();
        Assert.Contains(problems, p => p.StartsWith("BackupFunctions:Alerts:MissedSchedules:Grace cannot be negative", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("BackupFunctions:Alerts:MissedSchedules:Severity:TestRestore 'urgent'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("BackupFunctions:Alerts:Usage:", StringComparison.Ordinal));
    }
}
