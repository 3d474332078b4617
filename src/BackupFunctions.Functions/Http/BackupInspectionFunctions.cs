using BackupFunctions.Api;
using BackupFunctions.Workflows;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Inspection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BackupFunctions.Functions.Http;

/// <summary>
/// A backup's verification history and its manifest as stored on one target: the same routes and answers as the
/// self-hosted host (docs/http-api.md). Reads only, so a function key is enough.
/// </summary>
public sealed class BackupInspectionFunctions(IBackupCatalog catalog, BackupEnvironment env, ILogger<BackupInspectionFunctions> logger)
{
    [Function("ListBackupVerifications")]
    public async Task<HttpResponseData> Verifications(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "backups/{backupId}/verifications")] HttpRequestData request, string backupId, FunctionContext context)
    {
        var query = new QueryValues(request.Query);
        var limit = query.Int("limit", 1, 1000) ?? 200;
        if (query.Errors.Count > 0)
        {
            return await HttpAnswers.ProblemAsync(request, ApiProblem.Invalid(query.Errors));
        }

        return await WithCatalogAsync(request, async ct => await catalog.GetBackupAsync(backupId, ct) is null
            ? await HttpAnswers.ProblemAsync(request, UnknownBackup(backupId))
            : await HttpAnswers.JsonAsync(request, await catalog.ListVerificationsAsync(backupId, limit, ct)), context.CancellationToken);
    }

    [Function("GetBackupManifest")]
    public async Task<HttpResponseData> Manifest(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "backups/{backupId}/manifest")] HttpRequestData request, string backupId, FunctionContext context)
    {
        var target = new QueryValues(request.Query).Text("target");
        if (string.IsNullOrWhiteSpace(target))
        {
            return await HttpAnswers.ProblemAsync(request, ApiProblem.BadRequest("Say which target to read with ?target=<name>."));
        }

        return await WithCatalogAsync(request, async ct =>
        {
            if (await catalog.GetBackupAsync(backupId, ct) is not { } backup)
            {
                return await HttpAnswers.ProblemAsync(request, UnknownBackup(backupId));
            }

            var report = await StoredManifestInspector.InspectAsync(env, backup, target, ct);
            return report.Outcome switch
            {
                StoredManifestOutcome.Read => await HttpAnswers.JsonAsync(request, StoredManifestAnswer.Of(report)),
                StoredManifestOutcome.Damaged => await HttpAnswers.ProblemAsync(request, ApiProblem.Unprocessable(report.Problem!)),
                StoredManifestOutcome.Unreachable => await HttpAnswers.ProblemAsync(request, ApiProblem.Unavailable(report.Problem!)),
                _ => await HttpAnswers.ProblemAsync(request, ApiProblem.NotFound(report.Problem!)),
            };
        }, context.CancellationToken);
    }

    private static ApiProblem UnknownBackup(string backupId) => ApiProblem.NotFound($"No backup has the id '{backupId}'. GET /api/backups lists them.");

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
