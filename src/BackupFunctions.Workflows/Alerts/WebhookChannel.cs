using System.Globalization;
using System.Text.Json;

namespace BackupFunctions.Workflows.Alerts;

/// <summary>
/// The generic webhook: a JSON body (event, timestamp, delivery id, alert) with X-BackupFunctions-Signature,
/// -Timestamp and -Delivery headers. A retry resends the same bytes.
/// </summary>
public sealed class WebhookChannel(string name, string minSeverity, Uri url, string signingKey, HttpClient http)
    : HttpAlertChannel(name, minSeverity, url, http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected override byte[] Body(AlertNotification n)
    {
        var a = n.Alert;
        return JsonSerializer.SerializeToUtf8Bytes(new
        {
            @event = n.Event,
            timestamp = n.Timestamp.ToUnixTimeSeconds(),
            deliveryId = n.DeliveryId,
            title = n.Title,
            alert = new
            {
                a.Id, a.Severity, a.Code, a.Message, a.DedupeKey, a.CreatedAt, a.LastSeenAt, a.Occurrences,
                a.AcknowledgedAt, a.AcknowledgedBy, a.ResolvedAt, a.ResolvedReason, a.InstanceId,
            },
        }, Json);
    }

    protected override void AddHeaders(HttpRequestMessage request, AlertNotification notification, byte[] body)
    {
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(body, signingKey));
        request.Headers.Add(WebhookSignature.TimestampHeader, notification.Timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.DeliveryHeader, notification.DeliveryId);
    }
}
