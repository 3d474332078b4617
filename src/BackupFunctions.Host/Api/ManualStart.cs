using BackupFunctions.Api;
using BackupFunctions.Host.Http;
using BackupFunctions.Host.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Api;

/// <summary>
/// What every "start work" endpoint does: read the JSON body, validate it (400 problem details that
/// say what is wrong; optionally also checks that need I/O), apply the start's limit if it has one (429 with Retry-After), start the orchestration under a fresh id, and answer 202 with the management payload.
/// </summary>
internal static class ManualStart
{
    public static async Task<IResult> HandleAsync<T>(
        HttpContext http, DurableTaskClient client, ManagementUrls urls, ILogger logger, bool emptyMeansDefault,
        Func<T, IReadOnlyList<string>> validate, Func<T, (string Orchestration, object Input)> plan, string idPrefix, CancellationToken ct,
        Func<T, CancellationToken, Task<IReadOnlyList<string>>>? validateAsync = null, StartAdmission<T>? admission = null)
        where T : class, new()
    {
        var (request, error) = await RequestBody.ReadAsync<T>(http.Request, emptyMeansDefault, ct);
        if (request is null)
        {
            return ApiProblem.BadRequest(error!).ToResult();
        }

        var errors = validate(request);
        if (errors.Count == 0 && validateAsync is not null)
        {
            // Checks that read the targets or a server, only once the request itself makes sense.
            errors = await validateAsync(request, ct);
        }

        if (errors.Count > 0)
        {
            return ApiProblem.Invalid(errors).ToResult();
        }

        var (orchestration, input) = plan(request);
        var instanceId = idPrefix + Guid.NewGuid().ToString("N");
        if (admission is not null && await admission.Admit(request, instanceId, ct) is { } refusal)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(admission.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ApiProblem.TooManyRequests(refusal).ToResult();
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(orchestration, input, new StartOrchestrationOptions(instanceId), ct);
        }
        catch when (admission is not null)
        {
            // Nothing started, so the slot it took must not wait for the start grace to be freed.
            await admission.Release(instanceId, CancellationToken.None);
            throw;
        }

        Log.ManualStart(logger, orchestration, instanceId);
        return StartResponse.Accepted(http, urls, instanceId);
    }
}
