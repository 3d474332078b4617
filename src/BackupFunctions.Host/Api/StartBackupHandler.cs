using BackupFunctions.Durable;
using BackupFunctions.Host.Http;
using BackupFunctions.Host.Logging;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Api;

/// <summary>POST /api/backups: a manual backup, validated before anything starts.</summary>
internal static class StartBackupHandler
{
    public static async Task<IResult> HandleAsync(
        HttpContext http, DurableTaskClient client, BackupFunctionsOptions options, ManagementUrls urls,
        ILogger<ProductApi> logger, CancellationToken ct)
    {
        // An empty body is a full backup of the default database, the one-line `curl -X POST` case.
        var (request, error) = await RequestBody.ReadAsync<BackupRequest>(http.Request, emptyMeansDefault: true, ct);
        if (request is null)
        {
            return Problems.BadRequest(error!);
        }

        var errors = RequestValidator.Validate(request, options);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var kind = request.Kind.ToLowerInvariant();
        var orchestration = kind switch
        {
            BackupKinds.Tenant => OrchestrationNames.TenantBackup,
            BackupKinds.Files => OrchestrationNames.FilesBackup,
            _ => OrchestrationNames.FullBackup,
        };
        var instanceId = await client.ScheduleNewOrchestrationInstanceAsync(
            orchestration, request with { Kind = kind }, new StartOrchestrationOptions(Guid.NewGuid().ToString("N")), ct);
        Log.ManualStart(logger, orchestration, instanceId);
        return StartResponse.Accepted(http, urls, instanceId);
    }
}
