using BackupFunctions.Api;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;

namespace BackupFunctions.Functions.Http;

/// <summary>
/// The request mapping of the start routes (docs/http-api.md), without I/O: parse the body strictly,
/// validate it with the Workflows' <see cref="RequestValidator"/>, and pick the orchestration.
/// </summary>
public static class StartPlanner
{
    /// <summary>POST /api/backups. An empty body is a full backup of the default database to every target.</summary>
    public static StartDecision Backup(string? body, BackupFunctionsOptions options) =>
        Plan<BackupRequest>(body, emptyMeansDefault: true, r => RequestValidator.Validate(r, options), request =>
        {
            var kind = request.Kind.ToLowerInvariant();
            var orchestration = kind switch
            {
                BackupKinds.Tenant => OrchestrationNames.TenantBackup,
                BackupKinds.Files => OrchestrationNames.FilesBackup,
                _ => OrchestrationNames.FullBackup,
            };
            return new StartPlan(orchestration, request with { Kind = kind }, "");
        });

    /// <summary>POST /api/restores. No default body: a restore overwrites data, so the caller must say what it wants.</summary>
    public static StartDecision Restore(string? body) =>
        Plan<RestoreRequest>(body, emptyMeansDefault: false, RequestValidator.Validate, request =>
            new StartPlan(request.Test ? OrchestrationNames.TestRestore : OrchestrationNames.Restore, request, ""));

    /// <summary>POST /api/dr. No default body: a recovery needs at least the new server named.</summary>
    public static StartDecision DisasterRecovery(string? body) =>
        Plan<DisasterRecoveryRequest>(body, emptyMeansDefault: false, RequestValidator.Validate, request =>
            new StartPlan(OrchestrationNames.DisasterRecovery, request, "dr-"));

    /// <summary>POST /api/basebackups. An empty body is the base backup of the configured cluster.</summary>
    public static StartDecision BaseBackup(string? body, BackupFunctionsOptions options) =>
        Plan<BaseBackupRequest>(body, emptyMeansDefault: true, r => RequestValidator.Validate(r, options), request =>
            new StartPlan(OrchestrationNames.BaseBackup, request, "basebackup-"));

    private static StartDecision Plan<T>(string? body, bool emptyMeansDefault, Func<T, IReadOnlyList<string>> validate, Func<T, StartPlan> plan)
        where T : class, new()
    {
        var (request, error) = RequestBody.Parse<T>(body, emptyMeansDefault);
        if (request is null)
        {
            return StartDecision.Refuse(ApiProblem.BadRequest(error!));
        }

        var errors = validate(request);
        return errors.Count > 0 ? StartDecision.Refuse(ApiProblem.Invalid(errors)) : StartDecision.Run(plan(request));
    }
}
