using BackupFunctions.Api;
using BackupFunctions.Workflows.Alerts;
using BackupFunctions.Workflows.Catalog;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Api;

/// <summary>Changing an alert's state by hand: resolving one whose condition an operator knows is over.</summary>
internal static partial class AlertHandlers
{
    /// <summary>
    /// POST /api/alerts/{id}/resolve, optionally ?by=name&amp;reason=text. Resolving is kept in the history and announced
    /// to the channels like an automatic resolve; an alert already resolved answers 200 with resolved=false.
    /// </summary>
    public static async Task<IResult> ResolveAlertAsync(string alertId, HttpContext http, ILogger<ProductApi> logger, CancellationToken ct)
    {
        if (!long.TryParse(alertId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
        {
            return ApiProblem.BadRequest($"Alert id '{alertId}' is not a number; GET /api/alerts lists the alerts and their ids.").ToResult();
        }

        var query = new QueryValues(http.Request.Query);
        var by = query.Text("by");
        var reason = query.Text("reason") is { Length: > 0 } r ? r : $"resolved by {by ?? "an admin"} through the API";
        // With the product's workflows the resolve is announced to the channels; a host serving only the catalog just records it.
        var alerts = http.RequestServices.GetService<AlertService>();
        var catalog = http.RequestServices.GetService<IBackupCatalog>();
        if (alerts is null && catalog is null)
        {
            return ApiProblem.Unavailable("This host runs without the backup catalog (BackupFunctions:Host:RegisterProductWorkflows=false).").ToResult();
        }

        var resolved = alerts is not null ? await alerts.ResolveByIdAsync(id, reason, ct) : await catalog!.ResolveAlertByIdAsync(id, reason, ct);
        if (resolved is null)
        {
            return ApiProblem.NotFound($"No alert has the id {id}.").ToResult();
        }

        if (resolved.JustResolved)
        {
            LogResolved(logger, id, by);
        }

        return Results.Json(new { id, resolved = resolved.JustResolved, resolvedAt = resolved.Alert.ResolvedAt, reason = resolved.Alert.ResolvedReason }, ApiJson.Options);
    }

    [LoggerMessage(1211, LogLevel.Information, "Alert {AlertId} resolved by {By}")]
    private static partial void LogResolved(ILogger logger, long alertId, string? by);
}
