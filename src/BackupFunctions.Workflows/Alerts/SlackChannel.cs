using System.Text.Json;

namespace BackupFunctions.Workflows.Alerts;

/// <summary>A Slack incoming webhook: "text" (the fallback and notification line) plus a section block with the details.</summary>
public sealed class SlackChannel(string name, string minSeverity, Uri url, HttpClient http) : HttpAlertChannel(name, minSeverity, url, http)
{
    protected override byte[] Body(AlertNotification n) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        text = $"{Icon(n)} {n.Title}: {n.Alert.Message}",
        blocks = new object[]
        {
            new { type = "header", text = new { type = "plain_text", text = Clip($"{Icon(n)} {n.Title}", 150) } },
            new { type = "section", text = new { type = "mrkdwn", text = Clip(Escape(n.Text), 3000) } },
        },
    });

    private static string Icon(AlertNotification n) =>
        n.Event == AlertEvent.Resolved ? ":white_check_mark:" : n.Alert.Severity == AlertSeverity.Critical ? ":rotating_light:" : ":warning:";

    // Slack's mrkdwn treats these three as markup; everything else in our text is literal.
    private static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
