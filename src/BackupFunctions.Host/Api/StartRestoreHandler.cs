using BackupFunctions.Durable;
using BackupFunctions.Host.Http;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Api;

/// <summary>POST /api/restores (admin key): restore a backup into a given server or a scratch database, or test-restore it.</summary>
internal static class StartRestoreHandler
{
    // No default body: a restore overwrites data, so the caller must say what it wants.
    public static Task<IResult> HandleAsync(
        HttpContext http, DurableTaskClient client, ManagementUrls urls, ILogger<ProductApi> logger, CancellationToken ct) =>
        ManualStart.HandleAsync<RestoreRequest>(http, client, urls, logger, emptyMeansDefault: false,
            RequestValidator.Validate,
            request => (request.Test ? OrchestrationNames.TestRestore : OrchestrationNames.Restore, request),
            idPrefix: "", ct);
}
