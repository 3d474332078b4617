using BackupFunctions.Api;
using BackupFunctions.Workflows;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Inspection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Host.Api;

/// <summary>
/// A backup's verification history and its manifest as stored on one target (docs/http-api.md). Reads only, so a
/// function key is enough.
/// </summary>
internal static class BackupInspectionHandlers
{
    /// <summary>GET /api/backups/{id}/verifications?limit=: every recorded check of its copies, newest first.</summary>
    public static async Task<IResult> VerificationsAsync(string backupId, HttpContext http, CancellationToken ct)
    {
        var query = new QueryValues(http.Request.Query);
        var limit = query.Int("limit", 1, 1000) ?? 200;
        if (query.Errors.Count > 0)
        {
            return ApiProblem.Invalid(query.Errors).ToResult();
        }

        if (http.RequestServices.GetService<IBackupCatalog>() is not { } catalog)
        {
            return NoCatalog().ToResult();
        }

        if (await catalog.GetBackupAsync(backupId, ct) is null)
        {
            return UnknownBackup(backupId).ToResult();
        }

        return Results.Json(await catalog.ListVerificationsAsync(backupId, limit, ct), ApiJson.Options);
    }

    /// <summary>GET /api/backups/{id}/manifest?target=name: the manifest as that target stores it, checked as a restore checks it.</summary>
    public static async Task<IResult> ManifestAsync(string backupId, HttpContext http, CancellationToken ct)
    {
        var target = new QueryValues(http.Request.Query).Text("target");
        if (string.IsNullOrWhiteSpace(target))
        {
            return ApiProblem.BadRequest("Say which target to read with ?target=<name>; GET /api/sources lists the target names.").ToResult();
        }

        if (http.RequestServices.GetService<IBackupCatalog>() is not { } catalog || http.RequestServices.GetService<BackupEnvironment>() is not { } env)
        {
            return NoCatalog().ToResult();
        }

        if (await catalog.GetBackupAsync(backupId, ct) is not { } backup)
        {
            return UnknownBackup(backupId).ToResult();
        }

        var report = await StoredManifestInspector.InspectAsync(env, backup, target, ct);
        return report.Outcome switch
        {
            StoredManifestOutcome.Read => Results.Json(StoredManifestAnswer.Of(report), ApiJson.Options),
            StoredManifestOutcome.Damaged => ApiProblem.Unprocessable(report.Problem!).ToResult(),
            StoredManifestOutcome.Unreachable => ApiProblem.Unavailable(report.Problem!).ToResult(),
            _ => ApiProblem.NotFound(report.Problem!).ToResult(),
        };
    }

    private static ApiProblem UnknownBackup(string backupId) => ApiProblem.NotFound($"No backup has the id '{backupId}'. GET /api/backups lists them.");

    private static ApiProblem NoCatalog() =>
        ApiProblem.Unavailable("This host runs without the backup catalog (BackupFunctions:Host:RegisterProductWorkflows=false).");
}
