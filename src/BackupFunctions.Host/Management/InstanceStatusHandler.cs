using BackupFunctions.Api;
using BackupFunctions.Host.Reads;
using DurableTask.AzureStorage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace BackupFunctions.Host.Management;

/// <summary>GET …/instances/{id}: 202 while the instance runs, 200 when it is done, 404 when there is none.</summary>
internal static class InstanceStatusHandler
{
    public static async Task<IResult> GetAsync(
        string instanceId, HttpContext http, InstanceStatusReader reader, AzureStorageOrchestrationService store, CancellationToken ct)
    {
        var query = new QueryValues(http.Request.Query);
        var showInput = query.Bool("showInput", true);
        var showHistory = query.Bool("showHistory", false);
        var showHistoryOutput = query.Bool("showHistoryOutput", false);
        var failAs500 = query.Bool("returnInternalServerErrorOnFailure", false);
        if (query.Errors.Count > 0)
        {
            return ApiProblem.Invalid(query.Errors).ToResult();
        }

        var instance = await reader.GetAsync(instanceId, ct);
        if (instance is null)
        {
            return ApiProblem.NotFound($"No orchestration instance has the id '{instanceId}'.").ToResult();
        }

        // The SDK's history call streams only in-flight history through the sidecar; the stored history comes from the store.
        var history = showHistory ? HistoryView.Render(await store.GetOrchestrationHistoryAsync(instanceId, null!), showHistoryOutput) : null;
        var body = InstanceStatusView.Render(instance, showInput, history);
        switch (instance.RuntimeStatus)
        {
            case OrchestrationRuntimeStatus.Failed when failAs500:
                return Results.Json(body, statusCode: StatusCodes.Status500InternalServerError);
            case var status when RuntimeStatuses.IsTerminal(status):
                return Results.Json(body);
            default:
                http.Response.Headers.Location = http.Request.GetEncodedUrl();
                http.Response.Headers.RetryAfter = "5";
                return Results.Json(body, statusCode: StatusCodes.Status202Accepted);
        }
    }
}
