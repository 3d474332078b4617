using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using BackupFunctions.Host.Admission;
using BackupFunctions.Host.Http;
using BackupFunctions.Host.Logging;
using BackupFunctions.Workflows.Admission;
using Microsoft.Extensions.DependencyInjection;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Api;

/// <summary>
/// POST /api/backups: a manual backup, validated before anything starts, and admitted only while its database has fewer
/// than BackupFunctions:Admission:MaxRunsPerDatabase runs unfinished (docs/http-api.md, "Admission").
/// </summary>
internal static class StartBackupHandler
{
    // An empty body is a full backup of the default database, the one-line `curl -X POST` case.
    public static Task<IResult> HandleAsync(
        HttpContext http, DurableTaskClient client, BackupFunctionsOptions options, ManagementUrls urls,
        ILogger<ProductApi> logger, CancellationToken ct) =>
        ManualStart.HandleAsync<BackupRequest>(http, client, urls, logger, emptyMeansDefault: true,
            request => RequestValidator.Validate(request, options),
            request =>
            {
                var kind = request.Kind.ToLowerInvariant();
                var orchestration = kind switch
                {
                    BackupKinds.Tenant => OrchestrationNames.TenantBackup,
                    BackupKinds.Files => OrchestrationNames.FilesBackup,
                    _ => OrchestrationNames.FullBackup,
                };
                return (orchestration, request with { Kind = kind });
            },
            idPrefix: "", ct, admission: Admission(http, client, logger));

    private static StartAdmission<BackupRequest>? Admission(HttpContext http, DurableTaskClient client, ILogger logger)
    {
        // Absent when the host runs without the product workflows (and so without their control database services).
        if (http.RequestServices.GetService<BackupAdmission>() is not { Enabled: true } admission)
        {
            return null;
        }

        var probe = DurableRunStates.Probe(client);
        return new StartAdmission<BackupRequest>(
            async (request, instanceId, ct) =>
            {
                var refusal = await admission.AdmitAsync(request, instanceId, probe, ct);
                if (refusal is not null)
                {
                    Log.AdmissionRefused(logger, admission.DatabaseOf(request));
                }

                return refusal;
            },
            admission.ReleaseAsync, admission.RetryAfter);
    }
}
