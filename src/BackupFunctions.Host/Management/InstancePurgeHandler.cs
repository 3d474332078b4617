using BackupFunctions.Api;
using BackupFunctions.Host.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Management;

/// <summary>DELETE …/instances/{id} and DELETE …/instances?filters: purge finished instances and their history.</summary>
internal static class InstancePurgeHandler
{
    public static async Task<IResult> PurgeOneAsync(string instanceId, DurableTaskClient client, ILogger<DurableManagement> logger, CancellationToken ct)
    {
        var instance = await client.GetInstanceAsync(instanceId, ct);
        if (instance is null)
        {
            return ApiProblem.NotFound($"No orchestration instance has the id '{instanceId}'.").ToResult();
        }

        // The store would purge a running instance too (its work then fails on a missing instance): only finished ones go.
        var result = RuntimeStatuses.IsTerminal(instance.RuntimeStatus) ? await client.PurgeInstanceAsync(instanceId, ct) : null;
        if (result is null || result.PurgedInstanceCount == 0)
        {
            // As in Durable Functions, nothing purged is a 404; say why, since the instance does exist.
            return ApiProblem.NotFound(
                $"Instance '{instanceId}' is {instance.RuntimeStatus}; only Completed, Failed and Terminated instances are purged. Terminate it first.").ToResult();
        }

        Log.Purged(logger, instanceId, result.PurgedInstanceCount);
        return Results.Json(new { instancesDeleted = result.PurgedInstanceCount }, ApiJson.Options);
    }

    public static async Task<IResult> PurgeManyAsync(HttpContext http, DurableTaskClient client, ILogger<DurableManagement> logger, CancellationToken ct)
    {
        var query = new QueryValues(http.Request.Query);
        var from = query.Time("createdTimeFrom");
        var to = query.Time("createdTimeTo");
        var statuses = query.EnumList<OrchestrationRuntimeStatus>("runtimeStatus");
        if (from is null && query.Errors.Count == 0)
        {
            // Durable Functions requires it too: a bare DELETE must not wipe the whole history by accident.
            return ApiProblem.BadRequest("createdTimeFrom is required to purge by filter, e.g. ?createdTimeFrom=2026-01-01T00:00:00Z.").ToResult();
        }

        if (query.Errors.Count > 0)
        {
            return ApiProblem.Invalid(query.Errors).ToResult();
        }

        // Finished instances only, whatever runtimeStatus asks for: the store would purge running ones too.
        var finished = (statuses is { Count: > 0 } ? statuses : RuntimeStatuses.All).Where(RuntimeStatuses.IsTerminal).Distinct().ToList();
        var result = finished.Count == 0 ? null : await client.PurgeAllInstancesAsync(new PurgeInstancesFilter(from, to, finished), ct);
        if (result is null || result.PurgedInstanceCount == 0)
        {
            return ApiProblem.NotFound("No finished instance matches the filter.").ToResult();
        }

        Log.PurgedMany(logger, result.PurgedInstanceCount);
        return Results.Json(new { instancesDeleted = result.PurgedInstanceCount }, ApiJson.Options);
    }
}
