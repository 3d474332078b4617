using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using BackupFunctions.Host.Http;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Api;

/// <summary>
/// POST /api/dr (admin key): the disaster-recovery orchestration. It waits for the "Approve" event
/// (raiseEvent on the sendEventPostUri) before touching anything, unless the body says skipApproval.
/// </summary>
internal static class StartDisasterRecoveryHandler
{
    // No default body: a recovery needs at least the new server named.
    public static Task<IResult> HandleAsync(
        HttpContext http, DurableTaskClient client, ManagementUrls urls, ILogger<ProductApi> logger, CancellationToken ct) =>
        ManualStart.HandleAsync<DisasterRecoveryRequest>(http, client, urls, logger, emptyMeansDefault: false,
            RequestValidator.Validate,
            request => (OrchestrationNames.DisasterRecovery, request),
            idPrefix: "dr-", ct);
}
