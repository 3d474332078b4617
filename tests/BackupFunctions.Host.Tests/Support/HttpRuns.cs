using System.Net;
using System.Text.Json;

namespace BackupFunctions.Host.Tests.Support;

/// <summary>Starts work over the product API and follows its statusQueryGetUri to the end, as a client of the API would.</summary>
public static class HttpRuns
{
    /// <summary>POSTs <paramref name="body"/> to <paramref name="url"/>, expects 202, and returns the final status once Completed.</summary>
    public static async Task<JsonElement> CompleteAsync(HttpClient client, string url, string body, int maxSeconds = 180)
    {
        var started = await client.PostAsync(url, HttpJson.Body(body));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var statusUrl = (await started.JsonAsync()).Str("statusQueryGetUri");
        Assert.Contains("/runtime/webhooks/durabletask/instances/", statusUrl);
        var done = await Polling.UntilAsync(
            async () => await (await client.GetAsync(statusUrl)).JsonAsync(),
            s => s.Str("runtimeStatus") is "Completed" or "Failed" or "Terminated",
            $"{url} to finish", maxSeconds);
        Assert.True(done.Str("runtimeStatus") == "Completed", $"{url} ended as {done}");
        return done;
    }
}
