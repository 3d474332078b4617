using System.Globalization;
using BackupFunctions.Api;
using BackupFunctions.Workflows.Alerts;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Functions.Http;

/// <summary>POST /api/alerts/{id}/resolve (admin key): an operator ends an alert by hand; kept in the history and announced.</summary>
public sealed class AlertFunctions(AlertService alerts, ILogger<AlertFunctions> logger)
{
    [Function("ResolveAlertById")]
    public async Task<HttpResponseData> Resolve(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "alerts/{alertId}/resolve")] HttpRequestData request, string alertId, FunctionContext context)
    {
        if (!long.TryParse(alertId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return await HttpAnswers.ProblemAsync(request,
                ApiProblem.BadRequest($"Alert id '{alertId}' is not a number; GET /api/alerts lists the alerts and their ids."));
        }

        var query = new QueryValues(request.Query);
        var by = query.Text("by");
        var reason = query.Text("reason") is { Length: > 0 } r ? r : $"resolved by {by ?? "an admin"} through the API";
        if (await alerts.ResolveByIdAsync(id, reason, context.CancellationToken) is not { } resolved)
        {
            return await HttpAnswers.ProblemAsync(request, ApiProblem.NotFound($"No alert has the id {id}."));
        }

        logger.LogInformation("Alert {AlertId} resolved by {By}.", id, by);
        return await HttpAnswers.JsonAsync(request, new { id, resolved = resolved.JustResolved, resolvedAt = resolved.Alert.ResolvedAt, reason = resolved.Alert.ResolvedReason });
    }
}
