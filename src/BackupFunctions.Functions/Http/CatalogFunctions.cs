using System.Globalization;
using BackupFunctions.Api;
using BackupFunctions.Workflows.Catalog;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BackupFunctions.Functions.Http;

/// <summary>
/// The read side of docs/http-api.md: backups, restores, alerts (and acknowledging one), and the health score.
/// Acknowledging changes state an operator acts on, so it takes the admin key; health is open, for monitors.
/// </summary>
public sealed class CatalogFunctions(IBackupCatalog catalog, ILogger<CatalogFunctions> logger)
{
    [Function("ListBackups")]
    public Task<HttpResponseData> ListBackups(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "backups")] HttpRequestData request, FunctionContext context)
    {
        var query = new QueryValues(request.Query);
        var database = query.Text("database");
        var limit = query.Int("limit", 1, 1000) ?? 100;
        return AnswerAsync(request, query, async ct => await catalog.ListBackupsAsync(database, limit, ct), context.CancellationToken);
    }

    [Function("GetBackup")]
    public Task<HttpResponseData> GetBackup(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "backups/{backupId}")] HttpRequestData request, string backupId, FunctionContext context) =>
        WithCatalogAsync(request, async ct => await catalog.GetBackupAsync(backupId, ct) is { } backup
            ? await HttpAnswers.JsonAsync(request, backup)
            : await HttpAnswers.ProblemAsync(request, ApiProblem.NotFound($"No backup has the id '{backupId}'. GET /api/backups lists them.")),
            context.CancellationToken);

    [Function("ListRestores")]
    public Task<HttpResponseData> ListRestores(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "restores")] HttpRequestData request, FunctionContext context)
    {
        var query = new QueryValues(request.Query);
        var limit = query.Int("limit", 1, 1000) ?? 100;
        return AnswerAsync(request, query, async ct => await catalog.ListRestoresAsync(limit, ct), context.CancellationToken);
    }

    [Function("ListAlerts")]
    public Task<HttpResponseData> ListAlerts(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "alerts")] HttpRequestData request, FunctionContext context)
    {
        var query = new QueryValues(request.Query);
        var all = query.Bool("includeAcknowledged", false);
        var limit = query.Int("limit", 1, 1000) ?? 200;
        return AnswerAsync(request, query, async ct => await catalog.ListAlertsAsync(all, limit, ct), context.CancellationToken);
    }

    /// <summary>POST /api/alerts/{id}/ack, optionally ?by=name (who took it on).</summary>
    [Function("AckAlert")]
    public async Task<HttpResponseData> AckAlert(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "alerts/{alertId}/ack")] HttpRequestData request, string alertId, FunctionContext context)
    {
        if (!long.TryParse(alertId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return await HttpAnswers.ProblemAsync(request,
                ApiProblem.BadRequest($"Alert id '{alertId}' is not a number; GET /api/alerts lists the alerts and their ids."));
        }

        var by = new QueryValues(request.Query).Text("by");
        return await WithCatalogAsync(request, async ct =>
        {
            if (!await catalog.AcknowledgeAlertAsync(id, by, ct))
            {
                return await HttpAnswers.ProblemAsync(request, ApiProblem.NotFound($"No alert has the id {id}."));
            }

            logger.LogInformation("Alert {AlertId} acknowledged by {By}.", id, by);
            return await HttpAnswers.JsonAsync(request, new { id, acknowledged = true, by });
        }, context.CancellationToken);
    }

    /// <summary>GET /api/health: the catalog's score (0–100) with its reasons. No key, for monitors.</summary>
    [Function("Health")]
    public Task<HttpResponseData> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequestData request, FunctionContext context) =>
        WithCatalogAsync(request, async ct => await HttpAnswers.JsonAsync(request, await catalog.GetHealthAsync(ct)), context.CancellationToken);

    private Task<HttpResponseData> AnswerAsync<T>(HttpRequestData request, QueryValues query, Func<CancellationToken, Task<T>> read, CancellationToken ct) =>
        query.Errors.Count > 0
            ? HttpAnswers.ProblemAsync(request, ApiProblem.Invalid(query.Errors))
            : WithCatalogAsync(request, async c => await HttpAnswers.JsonAsync(request, await read(c)), ct);

    /// <summary>A control database that does not answer is a 503 that says so, not a bare 500.</summary>
    private async Task<HttpResponseData> WithCatalogAsync(HttpRequestData request, Func<CancellationToken, Task<HttpResponseData>> use, CancellationToken ct)
    {
        try
        {
            return await use(ct);
        }
        catch (NpgsqlException e) when (e is not PostgresException)
        {
            logger.LogWarning(e, "The control database did not answer.");
            return await HttpAnswers.ProblemAsync(request, ApiProblem.Unavailable(
                $"The control database (BackupFunctions:Control:ConnectionString) did not answer: {e.Message}"));
        }
    }
}
