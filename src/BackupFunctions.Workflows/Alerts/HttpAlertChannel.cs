using System.Net;
using System.Net.Http.Headers;

namespace BackupFunctions.Workflows.Alerts;

/// <summary>
/// What the webhook, Slack and Teams channels share: a JSON POST, and the answer read as delivered, worth
/// retrying (no answer, 408, 429, 5xx) or refused for good (other 4xx). The URL is shown as scheme://host only:
/// Slack and Teams URLs are credentials.
/// </summary>
public abstract class HttpAlertChannel(string name, string minSeverity, Uri url, HttpClient http) : IAlertChannel
{
    public string Name { get; } = name;

    public string MinSeverity { get; } = minSeverity;

    protected string Shown => $"{url.Scheme}://{url.Authority}";

    public async Task SendAsync(AlertNotification notification, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        var body = Body(notification);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        AddHeaders(request, notification, body);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            // The message names host and port at most; never the path, which may hold a token.
            throw new AlertDeliveryException($"{Shown} could not be reached: {e.Message}", permanent: false, e);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            var code = (int)response.StatusCode;
            var retryable = code >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
            throw new AlertDeliveryException($"{Shown} answered {code} {response.ReasonPhrase}", permanent: !retryable);
        }
    }

    /// <summary>The exact bytes sent (signed as they are).</summary>
    protected abstract byte[] Body(AlertNotification notification);

    protected virtual void AddHeaders(HttpRequestMessage request, AlertNotification notification, byte[] body)
    {
    }
}
