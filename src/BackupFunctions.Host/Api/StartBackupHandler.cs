using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using BackupFunctions.Host.Http;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Api;

/// <summary>POST /api/backups: a manual backup, validated before anything starts.</summary>
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
            idPrefix: "", ct);
}
