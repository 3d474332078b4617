using BackupFunctions.Host.Http;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Api;

/// <summary>
/// POST /api/basebackups: a base backup for point-in-time recovery now (an empty body will do). It only adds a backup,
/// so the function key suffices, as for POST /api/backups.
/// </summary>
internal static class StartBaseBackupHandler
{
    public static Task<IResult> HandleAsync(
        HttpContext http, DurableTaskClient client, BackupFunctionsOptions options, ManagementUrls urls,
        ILogger<ProductApi> logger, CancellationToken ct) =>
        ManualStart.HandleAsync<BaseBackupRequest>(http, client, urls, logger, emptyMeansDefault: true,
            request => RequestValidator.Validate(request, options),
            request => (OrchestrationNames.BaseBackup, request),
            idPrefix: "basebackup-", ct);
}
