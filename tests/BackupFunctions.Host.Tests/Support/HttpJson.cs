using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace BackupFunctions.Host.Tests.Support;

public static class HttpJson
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode} answer is not JSON: '{text}'", ex);
        }
    }

    public static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) =>
        client.PostAsJsonAsync(url, body);

    public static string Str(this JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new KeyNotFoundException($"no string '{property}' in {e}");

    /// <summary>The status of an instance through the HTTP API, polled until it is <paramref name="status"/>.</summary>
    public static async Task<JsonElement> StatusUntilAsync(this HttpClient client, string statusUrl, string status)
    {
        return await Polling.UntilAsync(
            async () => await (await client.GetAsync(statusUrl)).JsonAsync(),
            s => s.TryGetProperty("runtimeStatus", out var r) && r.GetString() == status,
            $"{statusUrl} to be {status}");
    }
}
