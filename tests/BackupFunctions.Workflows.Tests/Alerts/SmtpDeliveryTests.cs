using BackupFunctions.Workflows.Alerts;
using MimeKit;

namespace BackupFunctions.Workflows.Tests.Alerts;

/// <summary>E-mail through MailKit to a real SMTP server on 127.0.0.1 (<see cref="SmtpSink"/>), recorded in the real catalog.</summary>
public sealed class SmtpDeliveryTests
{
    private static Dictionary<string, AlertChannelOptions> Mail(SmtpSink sink, string? user = null, string? password = null) => new()
    {
        ["oncall-mail"] = new()
        {
            Type = AlertChannelType.Smtp, Host = "127.0.0.1", Port = sink.Port, Security = "None",
            From = "backups@example.test", To = ["oncall@example.test", "dba@example.test"], Username = user, Password = password,
        },
    };

    [Fact]
    public async Task A_failed_backup_mails_every_recipient_and_its_resolve_mails_again()
    {
        await using var sink = new SmtpSink();
        await using var h = await AlertDeliveryHarness.StartAsync(Mail(sink, "alerts", "s3cret-password"));

        var id = await h.Service.RaiseAsync("critical", "backup.failed", "The full backup of app failed: pg_dump exited 1", "backup:app:full:Failed", null, default);
        await h.Service.ResolveAsync("backup:app:full:Failed", "backup 20261205 succeeded", default);

        Assert.Equal(2, sink.Messages.Count);
        var (opened, from, to) = sink.Messages[0];
        Assert.Equal("backups@example.test", from);
        Assert.Equal(["oncall@example.test", "dba@example.test"], to);
        Assert.Equal("[BackupFunctions] [critical] opened: backup.failed", opened.Subject);
        Assert.Contains("The full backup of app failed: pg_dump exited 1", opened.TextBody);
        Assert.Contains($"backupctl alerts ack {id}", opened.TextBody);
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), opened.Headers["X-BackupFunctions-Alert"]);
        var resolved = sink.Messages[1].Message;
        Assert.Equal("[BackupFunctions] [critical] resolved: backup.failed", resolved.Subject);
        Assert.Contains("backup 20261205 succeeded", resolved.TextBody);
        Assert.All(sink.Logins, l => Assert.Equal(("alerts", "s3cret-password"), l));
        Assert.Equal(2, sink.Logins.Count);
        var recorded = await h.Catalog.ListNotificationsAsync(id);
        Assert.Equal(["resolved", "opened"], recorded.Select(n => n.Event));
        Assert.All(recorded, n => Assert.Equal("delivered", n.Outcome));
    }

    [Fact]
    public async Task A_server_that_says_try_later_gets_the_message_on_the_retry()
    {
        await using var sink = new SmtpSink();
        sink.RejectNext("451 4.3.0 mailbox busy, try later");
        await using var h = await AlertDeliveryHarness.StartAsync(Mail(sink));

        var id = await h.Service.RaiseAsync("warning", "backup.partial", "s3 failed", "backup:app:full:Partial", null, default);

        var mail = Assert.Single(sink.Messages).Message;
        Assert.Equal("[BackupFunctions] [warning] opened: backup.partial", mail.Subject);
        var n = Assert.Single(await h.Catalog.ListNotificationsAsync(id));
        Assert.Equal(("delivered", 2), (n.Outcome, n.Attempts));
    }

    [Fact]
    public async Task A_server_that_refuses_for_good_is_recorded_once_and_the_password_is_nowhere_in_it()
    {
        await using var sink = new SmtpSink();
        sink.RejectNext("554 5.7.1 relaying denied");
        await using var h = await AlertDeliveryHarness.StartAsync(Mail(sink, "alerts", "s3cret-password"), attempts: 4);

        var id = await h.Service.RaiseAsync("critical", "backup.failed", "failed", "k", null, default);

        Assert.Empty(sink.Messages);
        var n = Assert.Single(await h.Catalog.ListNotificationsAsync(id));
        Assert.Equal(("failed", 1), (n.Outcome, n.Attempts));
        Assert.Contains("554", n.Error);
        Assert.DoesNotContain("s3cret-password", n.Error);
    }

    [Fact]
    public async Task A_warning_does_not_reach_a_critical_only_mailbox()
    {
        await using var sink = new SmtpSink();
        var channels = Mail(sink);
        channels["oncall-mail"].MinSeverity = "critical";
        await using var h = await AlertDeliveryHarness.StartAsync(channels);

        var id = await h.Service.RaiseAsync("warning", "backup.size", "size moved", "k", null, default);

        Assert.Empty(sink.Messages);
        Assert.Empty(await h.Catalog.ListNotificationsAsync(id));
        Assert.IsType<MimeMessage>((await SendCriticalAsync(h, sink)).Message);
    }

    private static async Task<(MimeMessage Message, string From, IReadOnlyList<string> To)> SendCriticalAsync(AlertDeliveryHarness h, SmtpSink sink)
    {
        await h.Service.RaiseAsync("critical", "backup.failed", "failed", "k2", null, default);
        return Assert.Single(sink.Messages);
    }
}
