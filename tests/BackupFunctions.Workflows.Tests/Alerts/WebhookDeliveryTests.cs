using BackupFunctions.Testing;
using System.Text.Json;
using BackupFunctions.Workflows.Alerts;

namespace BackupFunctions.Workflows.Tests.Alerts;

/// <summary>The generic webhook against a real HTTP receiver on 127.0.0.1, with the real catalog recording each delivery.</summary>
public sealed class WebhookDeliveryTests
{
    private const string Key = "test-signing-key-0123456789";

    private static Dictionary<string, AlertChannelOptions> Hook(HttpSink sink, string minSeverity = "warning") => new()
    {
        ["ops-hook"] = new() { Type = AlertChannelType.Webhook, Url = sink.BaseUrl + "alerts", SigningKey = Key, MinSeverity = minSeverity },
    };

    [Fact]
    public async Task An_alert_is_posted_signed_on_open_escalation_and_resolve_but_not_on_a_repeat()
    {
        await using var sink = new HttpSink();
        await using var h = await AlertDeliveryHarness.StartAsync(Hook(sink));

        var id = await h.Service.RaiseAsync("warning", "backup.partial", "s3 failed", "backup:app:full:Partial", "i1", default);
        await h.Service.RaiseAsync("warning", "backup.partial", "s3 failed again", "backup:app:full:Partial", "i2", default);
        Assert.Single(sink.Requests);
        await h.Service.RaiseAsync("critical", "backup.partial", "now worse", "backup:app:full:Partial", "i3", default);
        Assert.Equal(1, await h.Service.ResolveAsync("backup:app:full:Partial", "backup B succeeded", default));

        Assert.Equal(3, sink.Requests.Count);
        var events = new List<string>();
        foreach (var r in sink.Requests)
        {
            Assert.Equal("POST", r.Method);
            Assert.Equal("/alerts", r.Path);
            Assert.True(WebhookSignature.Verify(r.Body, Key, r.Headers[WebhookSignature.SignatureHeader]), "the signature must verify with the channel's key");
            Assert.False(WebhookSignature.Verify(r.Body, "another-key-0123456789", r.Headers[WebhookSignature.SignatureHeader]));
            using var json = JsonDocument.Parse(r.Body);
            // The timestamp header is the signed one in the body, so a receiver can reject stale (replayed) deliveries.
            Assert.Equal(r.Headers[WebhookSignature.TimestampHeader], json.RootElement.GetProperty("timestamp").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - json.RootElement.GetProperty("timestamp").GetInt64(), 0, 600);
            Assert.Equal(id, json.RootElement.GetProperty("alert").GetProperty("id").GetInt64());
            events.Add(json.RootElement.GetProperty("event").GetString()!);
        }

        Assert.Equal(["opened", "escalated", "resolved"], events);
        var last = JsonDocument.Parse(sink.Requests[2].Body).RootElement.GetProperty("alert");
        Assert.Equal("backup B succeeded", last.GetProperty("resolvedReason").GetString());
        Assert.Equal("now worse", last.GetProperty("message").GetString());

        var recorded = await h.Catalog.ListNotificationsAsync(id);
        Assert.Equal(3, recorded.Count);
        Assert.All(recorded, n => Assert.Equal(("ops-hook", "delivered", 1), (n.Channel, n.Outcome, n.Attempts)));
    }

    [Fact]
    public async Task A_receiver_that_fails_twice_gets_the_same_signed_bytes_again_until_it_takes_them()
    {
        await using var sink = new HttpSink();
        sink.AnswerNext(503, 429);
        await using var h = await AlertDeliveryHarness.StartAsync(Hook(sink), attempts: 4);

        var id = await h.Service.RaiseAsync("critical", "backup.failed", "dump failed", "backup:app:full:Failed", null, default);

        Assert.Equal(3, sink.Requests.Count);
        Assert.All(sink.Requests, r => Assert.Equal(sink.Requests[0].Body, r.Body));
        Assert.Single(sink.Requests.Select(r => r.Headers[WebhookSignature.DeliveryHeader]).Distinct());
        var n = Assert.Single(await h.Catalog.ListNotificationsAsync(id));
        Assert.Equal(("delivered", 3, "opened"), (n.Outcome, n.Attempts, n.Event));
    }

    [Fact]
    public async Task A_receiver_that_keeps_failing_is_recorded_as_failed_after_every_attempt_and_the_raise_still_succeeds()
    {
        await using var sink = new HttpSink();
        sink.AnswerNext(500, 500, 500, 500);
        await using var h = await AlertDeliveryHarness.StartAsync(Hook(sink), attempts: 3);

        var id = await h.Service.RaiseAsync("critical", "backup.failed", "dump failed", "backup:app:full:Failed", null, default);

        Assert.Equal(3, sink.Requests.Count);
        var n = Assert.Single(await h.Catalog.ListNotificationsAsync(id));
        Assert.Equal(("failed", 3), (n.Outcome, n.Attempts));
        Assert.Contains("answered 500", n.Error);
        Assert.Contains(await h.Catalog.ListAlertsAsync(), a => a.Id == id);
    }

    [Fact]
    public async Task A_refusal_for_good_is_not_retried()
    {
        await using var sink = new HttpSink();
        sink.AnswerNext(404);
        await using var h = await AlertDeliveryHarness.StartAsync(Hook(sink), attempts: 4);

        var id = await h.Service.RaiseAsync("critical", "backup.failed", "dump failed", "k1", null, default);

        Assert.Single(sink.Requests);
        var n = Assert.Single(await h.Catalog.ListNotificationsAsync(id));
        Assert.Equal(("failed", 1), (n.Outcome, n.Attempts));
        Assert.Contains("answered 404", n.Error);
    }

    [Fact]
    public async Task An_unreachable_receiver_is_recorded_without_its_path_and_never_throws()
    {
        var channels = new Dictionary<string, AlertChannelOptions>
        {
            ["slack"] = new() { Type = AlertChannelType.Slack, Url = "http://127.0.0.1:1/services/T000/B000/SECRETTOKEN" },
        };
        await using var h = await AlertDeliveryHarness.StartAsync(channels, attempts: 2);

        var id = await h.Service.RaiseAsync("critical", "backup.failed", "dump failed", "k2", null, default);

        var n = Assert.Single(await h.Catalog.ListNotificationsAsync(id));
        Assert.Equal(("slack", "failed", 2), (n.Channel, n.Outcome, n.Attempts));
        Assert.Contains("http://127.0.0.1:1 could not be reached", n.Error);
        Assert.DoesNotContain("SECRETTOKEN", n.Error);
    }

    [Fact]
    public async Task A_channel_only_gets_the_severities_it_asked_for()
    {
        await using var pager = new HttpSink();
        await using var chat = new HttpSink();
        var channels = new Dictionary<string, AlertChannelOptions>
        {
            ["pager"] = new() { Type = AlertChannelType.Webhook, Url = pager.BaseUrl, SigningKey = Key, MinSeverity = "critical" },
            ["chat"] = new() { Type = AlertChannelType.Slack, Url = chat.BaseUrl, MinSeverity = "info" },
        };
        await using var h = await AlertDeliveryHarness.StartAsync(channels);

        await h.Service.RaiseAsync("warning", "backup.size", "size moved", "size:app", null, default);
        await h.Service.RaiseAsync("info", "note", "fyi", "info:app", null, default);
        await h.Service.RaiseAsync("critical", "backup.failed", "failed", "failed:app", null, default);

        Assert.Single(pager.Requests);
        Assert.Contains("backup.failed", pager.Requests[0].Text);
        Assert.Equal(3, chat.Requests.Count);
    }

    [Fact]
    public async Task Slack_and_Teams_get_their_own_payload_shapes()
    {
        await using var slack = new HttpSink();
        await using var teams = new HttpSink();
        var channels = new Dictionary<string, AlertChannelOptions>
        {
            ["slack"] = new() { Type = AlertChannelType.Slack, Url = slack.BaseUrl + "services/x" },
            ["teams"] = new() { Type = AlertChannelType.Teams, Url = teams.BaseUrl + "workflows/x" },
        };
        await using var h = await AlertDeliveryHarness.StartAsync(channels);

        await h.Service.RaiseAsync("critical", "backup.failed", "dump of app failed <exit 1>", "failed:app", null, default);

        using var s = JsonDocument.Parse(Assert.Single(slack.Requests).Body);
        Assert.StartsWith(":rotating_light: [critical] opened: backup.failed: dump of app failed <exit 1>", s.RootElement.GetProperty("text").GetString());
        var section = s.RootElement.GetProperty("blocks")[1];
        Assert.Equal("section", section.GetProperty("type").GetString());
        Assert.Contains("dump of app failed &lt;exit 1&gt;", section.GetProperty("text").GetProperty("text").GetString());

        using var t = JsonDocument.Parse(Assert.Single(teams.Requests).Body);
        Assert.Equal("message", t.RootElement.GetProperty("type").GetString());
        var attachment = t.RootElement.GetProperty("attachments")[0];
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
        var card = attachment.GetProperty("content");
        Assert.Equal("AdaptiveCard", card.GetProperty("type").GetString());
        Assert.Equal("[critical] opened: backup.failed", card.GetProperty("body")[0].GetProperty("text").GetString());
        Assert.Contains("dump of app failed <exit 1>", card.GetProperty("body")[1].GetProperty("text").GetString());
    }
}
