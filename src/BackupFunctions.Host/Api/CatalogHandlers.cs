using BackupFunctions.Api;
using BackupFunctions.Host.Logging;
using BackupFunctions.Host.Reads;
using BackupFunctions.Workflows.Catalog;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Api;

/// <summary>The read side of the catalog: backups, restores, alerts and the health score.</summary>
internal static class CatalogHandlers
{
    /// <summary>What Results.Json sends, for the pages serialized once and shared (<see cref="CatalogPageReader"/>).</summary>
    private const string JsonContentType = "application/json; charset=utf-8";

    public static async Task<IResult> ListBackupsAsync(HttpContext http, CancellationToken ct)
    {
        var query = new QueryValues(http.Request.Query);
        var database = query.Text("database");
        var limit = query.Int("limit", 1, 1000) ?? 100;
        if (query.Errors.Count > 0)
        {
            return ApiProblem.Invalid(query.Errors).ToResult();
        }

        var pages = http.RequestServices.GetRequiredService<CatalogPageReader>();
        return await WithCatalogAsync(http, async c => Results.Bytes(await pages.ListBackupsJsonAsync(c, database, limit, ct), JsonContentType));
    }

    public static Task<IResult> GetBackupAsync(string backupId, HttpContext http, CancellationToken ct) =>
        WithCatalogAsync(http, async c => await c.GetBackupAsync(backupId, ct) is { } backup
            ? Results.Json(backup, ApiJson.Options)
            : ApiProblem.NotFound($"No backup has the id '{backupId}'. GET /api/backups lists them.").ToResult());

    public static async Task<IResult> ListRestoresAsync(HttpContext http, CancellationToken ct)
    {
        var query = new QueryValues(http.Request.Query);
        var limit = query.Int("limit", 1, 1000) ?? 100;
        if (query.Errors.Count > 0)
        {
            return ApiProblem.Invalid(query.Errors).ToResult();
        }

        return await WithCatalogAsync(http, async c => Results.Json(await c.ListRestoresAsync(limit, ct), ApiJson.Options));
    }

    public static async Task<IResult> ListAlertsAsync(HttpContext http, CancellationToken ct)
    {
        var query = new QueryValues(http.Request.Query);
        var all = query.Bool("includeAcknowledged", false);
        var limit = query.Int("limit", 1, 1000) ?? 200;
        if (query.Errors.Count > 0)
        {
            return ApiProblem.Invalid(query.Errors).ToResult();
        }

        return await WithCatalogAsync(http, async c => Results.Json(await c.ListAlertsAsync(all, limit, ct), ApiJson.Options));
    }

    /// <summary>POST /api/alerts/{id}/ack, optionally ?by=name (who took it on).</summary>
    public static async Task<IResult> AcknowledgeAlertAsync(string alertId, HttpContext http, ILogger<ProductApi> logger, CancellationToken ct)
    {
        if (!long.TryParse(alertId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
        {
            return ApiProblem.BadRequest($"Alert id '{alertId}' is not a number; GET /api/alerts lists the alerts and their ids.").ToResult();
        }

        var by = new QueryValues(http.Request.Query).Text("by");
        return await WithCatalogAsync(http, async c =>
        {
            if (!await c.AcknowledgeAlertAsync(id, by, ct))
            {
                return ApiProblem.NotFound($"No alert has the id {id}.").ToResult();
            }

            Log.AlertAcknowledged(logger, id, by);
            return Results.Json(new { id, acknowledged = true, by }, ApiJson.Options);
        });
    }

    /// <summary>GET /api/health: the catalog's score (0–100) with its reasons. Open to all, for monitors.</summary>
    public static Task<IResult> HealthAsync(HttpContext http, CancellationToken ct) =>
        WithCatalogAsync(http, async c => Results.Json(await c.GetHealthAsync(ct), ApiJson.Options));

    private static async Task<IResult> WithCatalogAsync(HttpContext http, Func<IBackupCatalog, Task<IResult>> use)
    {
        var catalog = http.RequestServices.GetService<IBackupCatalog>();
        return catalog is null
            ? ApiProblem.Unavailable("This host runs without the backup catalog (BackupFunctions:Host:RegisterProductWorkflows=false).").ToResult()
            : await use(catalog);
    }
}
