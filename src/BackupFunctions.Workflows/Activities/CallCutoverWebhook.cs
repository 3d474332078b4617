using System.Net.Http.Json;
using Microsoft.DurableTask;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;

namespace BackupFunctions.Workflows.Activities;

/// <summary>
/// POSTs the DR report (JSON) to BackupFunctions:DisasterRecovery:CutoverWebhookUrl, the hook that
/// switches clients to the recovered server. A non-2xx answer is a failed cutover; a connection
/// error is retried by the policy. Not configured: not called.
/// </summary>
public sealed class CallCutoverWebhook(BackupFunctionsOptions options, ActivityLimits limits) : BoundedActivity<DisasterRecoveryReport, CutoverResult>(limits)
{
    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };

    protected override async Task<CutoverResult> RunAsync(ActivityRun context, DisasterRecoveryReport input)
    {
        var url = options.DisasterRecovery.CutoverWebhookUrl;
        if (string.IsNullOrWhiteSpace(url))
        {
            return new CutoverResult(false, null, null, true, null);
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new NonRetryableTaskException($"BackupFunctions:DisasterRecovery:CutoverWebhookUrl '{Shown(url)}' is not an http(s) URL.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(options.DisasterRecovery.CutoverTimeout);
        HttpResponseMessage response;
        try
        {
            response = await Http.PostAsJsonAsync(uri, input, timeout.Token);
        }
        catch (OperationCanceledException e) when (!context.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the cutover webhook {Shown(url)} did not answer within {options.DisasterRecovery.CutoverTimeout}", e);
        }
        catch (HttpRequestException e)
        {
            throw new HttpRequestException($"the cutover webhook {Shown(url)} could not be reached: {e.Message}", e);
        }

        using var _ = response;
        var code = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            return new CutoverResult(true, Shown(url), code, true, null);
        }

        var body = await response.Content.ReadAsStringAsync(timeout.Token);
        return new CutoverResult(true, Shown(url), code, false,
            $"the cutover webhook answered {code} {response.ReasonPhrase}{(body.Length > 0 ? ": " + (body.Length > 300 ? body[..300] : body) : "")}");
    }

    /// <summary>The URL without its query string, which may carry a token: the report is stored and alerted on.</summary>
    private static string Shown(string url) => url.Split('?', 2)[0];
}
