using System.Text.Json;
using BackupFunctions.Host.Http;
using BackupFunctions.Host.Logging;
using BackupFunctions.Host.Schedules;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.CustomHandler;

/// <summary>
/// POST /{Name}Timer from the Azure Functions host: the timer fired, so start the schedule's latest due time at or
/// before the host's clock (Metadata.sys.UtcNow). The instance id is the same one the in-process scheduler would use,
/// so a repeated or concurrent invocation starts nothing twice. Any non-2xx fails the invocation, so that is kept
/// for real failures (a store that does not answer); an already-started due time is a success.
/// </summary>
internal static class TimerInvocationHandler
{
    public const string InvocationIdHeader = "X-Azure-Functions-InvocationId";

    public static async Task<IResult> InvokeAsync(
        ScheduleDefinition schedule, HttpContext http, ScheduledRunStarter starter, TimeProvider time, ILogger<TimerInvocation> logger, CancellationToken ct)
    {
        var invocationId = http.Request.Headers[InvocationIdHeader].ToString();
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["InvocationId"] = invocationId, ["FunctionName"] = schedule.FunctionName });

        TimerInvocationRequest? request;
        try
        {
            var text = await RequestBody.ReadTextAsync(http.Request, ct);
            request = string.IsNullOrWhiteSpace(text) ? new TimerInvocationRequest() : JsonSerializer.Deserialize<TimerInvocationRequest>(text);
        }
        catch (JsonException ex)
        {
            return Answer(StatusCodes.Status400BadRequest, $"{schedule.FunctionName}: the invocation body is not JSON: {ex.Message}");
        }

        var now = request?.UtcNow() ?? time.GetUtcNow().UtcDateTime;
        if (!schedule.Enabled)
        {
            return Answer(StatusCodes.Status200OK, $"{schedule.FunctionName}: schedule {schedule.Name} is disabled (BackupFunctions:Schedules:{schedule.Name}:Enabled=false); nothing started.");
        }

        if (schedule.Cron.LatestAtOrBefore(now) is not { } due)
        {
            return Answer(StatusCodes.Status200OK, $"{schedule.FunctionName}: '{schedule.Cron.Expression}' had no due time in the 400 days before {now:O}; nothing started.");
        }

        try
        {
            var outcomes = await starter.StartAsync(schedule, due, ct);
            Log.TimerInvoked(logger, schedule.FunctionName, due, outcomes.Count(o => o.Started), outcomes.Count);
            var logs = new List<string> { $"{schedule.FunctionName}: due time {due:yyyy-MM-ddTHH:mm:ssZ} ({schedule.Cron.Expression}){(request?.IsPastDue() == true ? ", past due" : "")}." };
            logs.AddRange(outcomes.Select(o => o.ToString()));
            if (outcomes.Count == 0)
            {
                logs.Add($"Schedule {schedule.Name} has nothing to run (no tenants or databases configured).");
            }

            return Results.Json(new InvocationResponse([], logs, null));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.TimerInvocationFailed(logger, ex, schedule.FunctionName, due);
            return Answer(StatusCodes.Status500InternalServerError, $"{schedule.FunctionName}: starting due time {due:yyyy-MM-ddTHH:mm:ssZ} failed: {ex.Message}");
        }
    }

    private static IResult Answer(int status, string log) => Results.Json(InvocationResponse.WithLogs(log), statusCode: status);
}
