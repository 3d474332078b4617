using BackupFunctions.Api;
using BackupFunctions.Functions.Admission;
using BackupFunctions.Workflows;
using BackupFunctions.Workflows.Admission;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Restore.Merge;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Functions.Http;

/// <summary>
/// The "start work" routes of docs/http-api.md. A bad request is a 400 problem before anything starts; a good one
/// starts its orchestration under a fresh id and answers 202 with the Durable Functions status URLs
/// (<c>CreateCheckStatusResponseAsync</c>). Restore and DR overwrite or create databases: admin key only.
/// A backup is admitted only while its database has fewer than BackupFunctions:Admission:MaxRunsPerDatabase runs
/// unfinished across the app's instances; beyond that the answer is 429 with Retry-After (docs/http-api.md, "Admission").
/// </summary>
public sealed class StartFunctions(BackupFunctionsOptions options, BackupAdmission admission, ILogger<StartFunctions> logger)
{
    [Function("StartBackup")]
    public async Task<HttpResponseData> StartBackup(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "backups")] HttpRequestData request,
        [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        var ct = context.CancellationToken;
        var decision = StartPlanner.Backup(await RequestBody.ReadTextAsync(request.Body, ct), options);
        if (decision.Plan is not { Input: BackupRequest backup } plan)
        {
            return await StartAsync(request, client, decision, ct);
        }

        var instanceId = plan.NewInstanceId();
        if (await admission.AdmitAsync(backup, instanceId, DurableRunStates.Probe(client), ct) is { } refusal)
        {
            logger.LogWarning("Refused a backup of {Database}: the per-database limit is reached.", admission.DatabaseOf(backup));
            var refused = await HttpAnswers.ProblemAsync(request, ApiProblem.TooManyRequests(refusal));
            refused.Headers.Add("Retry-After", ((int)Math.Ceiling(admission.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture));
            return refused;
        }

        try
        {
            return await StartAsync(request, client, decision, ct, instanceId);
        }
        catch when (admission.Enabled)
        {
            // Nothing started, so the slot it took must not wait for the start grace to be freed.
            await admission.ReleaseAsync(instanceId, CancellationToken.None);
            throw;
        }
    }

    [Function("StartRestore")]
    public async Task<HttpResponseData> StartRestore(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "restores")] HttpRequestData request,
        [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        var ct = context.CancellationToken;
        var decision = StartPlanner.Restore(await RequestBody.ReadTextAsync(request.Body, ct));
        if (decision.Plan?.Input is RestoreRequest restore && RestoreModes.IsMerge(restore.Mode))
        {
            // A merge of a full backup, or into a database that is not there, is a bad request, not a failed run.
            // Only a merge reads the targets here, so a plain restore never depends on them to start.
            var env = context.InstanceServices.GetRequiredService<BackupEnvironment>();
            var errors = await MergeRequestChecks.CheckAsync(env, restore, ct);
            if (errors.Count > 0)
            {
                decision = StartDecision.Refuse(ApiProblem.Invalid(errors));
            }
        }

        return await StartAsync(request, client, decision, ct);
    }

    [Function("StartDisasterRecovery")]
    public async Task<HttpResponseData> StartDisasterRecovery(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "dr")] HttpRequestData request,
        [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        var body = await RequestBody.ReadTextAsync(request.Body, context.CancellationToken);
        return await StartAsync(request, client, StartPlanner.DisasterRecovery(body), context.CancellationToken);
    }

    [Function("StartBaseBackup")]
    public async Task<HttpResponseData> StartBaseBackup(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "basebackups")] HttpRequestData request,
        [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        var body = await RequestBody.ReadTextAsync(request.Body, context.CancellationToken);
        return await StartAsync(request, client, StartPlanner.BaseBackup(body, options), context.CancellationToken);
    }

    private async Task<HttpResponseData> StartAsync(HttpRequestData request, DurableTaskClient client, StartDecision decision, CancellationToken ct,
        string? instanceId = null)
    {
        if (decision.Plan is not { } plan)
        {
            return await HttpAnswers.ProblemAsync(request, decision.Problem!);
        }

        instanceId = await client.ScheduleNewOrchestrationInstanceAsync(
            plan.Orchestration, plan.Input, new Microsoft.DurableTask.StartOrchestrationOptions(instanceId ?? plan.NewInstanceId()), ct);
        logger.LogInformation("Started {Orchestration} as {InstanceId}.", plan.Orchestration, instanceId);
        return await client.CreateCheckStatusResponseAsync(request, instanceId, ct);
    }
}
