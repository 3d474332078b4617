using BackupFunctions.Durable;
using BackupFunctions.Host.Http;
using BackupFunctions.Host.Logging;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Api;

/// <summary>POST /api/restores (admin key): restore a backup into a given server or a scratch database.</summary>
internal static class StartRestoreHandler
{
    public static async Task<IResult> HandleAsync(
        HttpContext http, DurableTaskClient client, ManagementUrls urls, ILogger<ProductApi> logger, CancellationToken ct)
    {
        // No default here: a restore overwrites data, so the caller must say what it wants.
        var (request, error) = await RequestBody.ReadAsync<RestoreRequest>(http.Request, emptyMeansDefault: false, ct);
        if (request is null)
        {
            return Problems.BadRequest(error!);
        }

        var errors = RequestValidator.Validate(request);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var orchestration = request.Test ? OrchestrationNames.TestRestore : OrchestrationNames.Restore;
        var instanceId = await client.ScheduleNewOrchestrationInstanceAsync(
            orchestration, request, new StartOrchestrationOptions(Guid.NewGuid().ToString("N")), ct);
        Log.ManualStart(logger, orchestration, instanceId);
        return StartResponse.Accepted(http, urls, instanceId);
    }
}
