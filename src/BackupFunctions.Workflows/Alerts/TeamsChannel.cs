using System.Text.Json;

namespace BackupFunctions.Workflows.Alerts;

/// <summary>
/// A Microsoft Teams incoming webhook (a Workflows "post to a channel when a webhook request is received" URL):
/// a message with one Adaptive Card attachment. The retired Office 365 connectors' MessageCard is not sent.
/// </summary>
public sealed class TeamsChannel(string name, string minSeverity, Uri url, HttpClient http) : HttpAlertChannel(name, minSeverity, url, http)
{
    protected override byte[] Body(AlertNotification n) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        type = "message",
        attachments = new[]
        {
            new
            {
                contentType = "application/vnd.microsoft.card.adaptive",
                contentUrl = (string?)null,
                content = new Dictionary<string, object>
                {
                    ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                    ["type"] = "AdaptiveCard",
                    ["version"] = "1.4",
                    ["body"] = new object[]
                    {
                        new
                        {
                            type = "TextBlock", text = n.Title, weight = "Bolder", size = "Medium", wrap = true,
                            color = n.Event == AlertEvent.Resolved ? "Good" : n.Alert.Severity == AlertSeverity.Critical ? "Attention" : "Warning",
                        },
                        new { type = "TextBlock", text = n.Text, wrap = true },
                    },
                },
            },
        },
    });
}
