using System.Text.Json;
using BackupFunctions.Api;
using BackupFunctions.Host.Http;
using BackupFunctions.Host.Logging;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Management;

/// <summary>
/// raiseEvent, terminate, suspend, resume and restart. Each answers 404 for a missing instance and 410 for a finished
/// one (the engine would silently drop the message), else 202: the message is queued, and the caller polls the status.
/// </summary>
internal static class InstanceControlHandler
{
    /// <summary>The engine's default payload limit; the store enforces the configured one as well.</summary>
    private const int MaxEventBytes = 1024 * 1024;

    public static async Task<IResult> RaiseEventAsync(
        string instanceId, string eventName, HttpContext http, DurableTaskClient client, ILogger<DurableManagement> logger, CancellationToken ct)
    {
        var text = await RequestBody.ReadTextAsync(http.Request, ct, MaxEventBytes);
        if (text is null)
        {
            return ApiProblem.BadRequest($"The event payload is larger than {MaxEventBytes / 1024} KiB; pass a reference instead.").ToResult();
        }

        JsonElement payload;
        try
        {
            using var document = JsonDocument.Parse(text);
            payload = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return ApiProblem.BadRequest($"The event payload must be JSON (send null for none): {ex.Message}").ToResult();
        }

        return await ControlAsync(instanceId, client, ct, async () =>
        {
            await client.RaiseEventAsync(instanceId, eventName, payload, ct);
            Log.EventRaised(logger, instanceId, eventName);
        });
    }

    public static Task<IResult> TerminateAsync(string instanceId, string? reason, DurableTaskClient client, ILogger<DurableManagement> logger, CancellationToken ct) =>
        ControlAsync(instanceId, client, ct, async () =>
        {
            // Durable Functions makes the reason the terminated instance's output.
            await client.TerminateInstanceAsync(instanceId, reason, ct);
            Log.Terminated(logger, instanceId, reason);
        });

    public static Task<IResult> SuspendAsync(string instanceId, string? reason, DurableTaskClient client, ILogger<DurableManagement> logger, CancellationToken ct) =>
        ControlAsync(instanceId, client, ct, async () =>
        {
            await client.SuspendInstanceAsync(instanceId, reason, ct);
            Log.Suspended(logger, instanceId, reason);
        });

    public static Task<IResult> ResumeAsync(string instanceId, string? reason, DurableTaskClient client, ILogger<DurableManagement> logger, CancellationToken ct) =>
        ControlAsync(instanceId, client, ct, async () =>
        {
            await client.ResumeInstanceAsync(instanceId, reason, ct);
            Log.Resumed(logger, instanceId, reason);
        });

    /// <summary>
    /// Starts the instance's orchestration again with its original input: under a new id by default, or under the
    /// same id (restartWithNewInstanceId=false) once it has finished. Answers like a start: 202 and the payload.
    /// </summary>
    public static async Task<IResult> RestartAsync(
        string instanceId, HttpContext http, DurableTaskClient client, ManagementUrls urls, ILogger<DurableManagement> logger, CancellationToken ct)
    {
        var query = new QueryValues(http.Request.Query);
        var newId = query.Bool("restartWithNewInstanceId", true);
        if (query.Errors.Count > 0)
        {
            return ApiProblem.Invalid(query.Errors).ToResult();
        }

        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, ct);
        if (instance is null)
        {
            return ApiProblem.NotFound($"No orchestration instance has the id '{instanceId}'.").ToResult();
        }

        if (!newId && !RuntimeStatuses.IsTerminal(instance.RuntimeStatus))
        {
            return ApiProblem.BadRequest($"Instance '{instanceId}' is {instance.RuntimeStatus}; it can be restarted under the same id only once it has finished.").ToResult();
        }

        var input = instance.SerializedInput is null ? (JsonElement?)null : JsonDocument.Parse(instance.SerializedInput).RootElement.Clone();
        var started = await client.ScheduleNewOrchestrationInstanceAsync(
            instance.Name, input, new StartOrchestrationOptions(newId ? null : instanceId), ct);
        Log.Restarted(logger, instanceId, started);
        return StartResponse.Accepted(http, urls, started);
    }

    private static async Task<IResult> ControlAsync(string instanceId, DurableTaskClient client, CancellationToken ct, Func<Task> send)
    {
        var instance = await client.GetInstanceAsync(instanceId, ct);
        if (instance is null)
        {
            return ApiProblem.NotFound($"No orchestration instance has the id '{instanceId}'.").ToResult();
        }

        if (RuntimeStatuses.IsTerminal(instance.RuntimeStatus))
        {
            return ApiProblem.Gone($"Instance '{instanceId}' is {instance.RuntimeStatus} and takes no more events or control operations.").ToResult();
        }

        try
        {
            await send();
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            // Purged between the read and the send.
            return ApiProblem.NotFound($"No orchestration instance has the id '{instanceId}'.").ToResult();
        }

        return Results.Accepted();
    }
}
