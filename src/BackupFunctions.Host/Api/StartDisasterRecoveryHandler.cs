using BackupFunctions.Durable;
using BackupFunctions.Host.Http;
using BackupFunctions.Host.Logging;
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
    public static async Task<IResult> HandleAsync(
        HttpContext http, DurableTaskClient client, ManagementUrls urls, ILogger<ProductApi> logger, CancellationToken ct)
    {
        // No default: a recovery needs at least the new server named.
        var (request, error) = await RequestBody.ReadAsync<DisasterRecoveryRequest>(http.Request, emptyMeansDefault: false, ct);
        if (request is null)
        {
            return Problems.BadRequest(error!);
        }

        var errors = RequestValidator.Validate(request);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var instanceId = await client.ScheduleNewOrchestrationInstanceAsync(
            OrchestrationNames.DisasterRecovery, request, new StartOrchestrationOptions("dr-" + Guid.NewGuid().ToString("N")), ct);
        Log.ManualStart(logger, OrchestrationNames.DisasterRecovery, instanceId);
        return StartResponse.Accepted(http, urls, instanceId);
    }
}
