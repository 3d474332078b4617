using BackupFunctions.Api;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace BackupFunctions.Functions.Http;

/// <summary>
/// POST /api/restores/pitr on the Function App: always a 501 problem that says why and where to go instead. A PITR restore
/// lays down a PostgreSQL data directory and leaves its server running, and a Function App instance has neither a disk that
/// outlives it nor room for a server process; its PitrRestoreOrchestrator and activities are therefore not registered here
/// (<see cref="BackupFunctions.Workflows.SelfHostedOnlyAttribute"/>).
/// </summary>
public static class PitrRestoreFunction
{
    public const string Detail =
        "Point-in-time restores do not run in the Function App: a restore creates a PostgreSQL data directory and leaves its server " +
        "running, and a Function App instance keeps neither. Send POST /api/restores/pitr to the self-hosted host (BackupFunctions.Host) " +
        "on the machine that should hold the restored cluster, or run 'backupctl restore --pitr TIME --to-datadir DIR' there (docs/pitr.md).";

    public static ApiProblem Problem { get; } = new("https://tools.ietf.org/html/rfc9110#section-15.6.2", "Not available in the Function App.", 501, Detail);

    [Function("StartPitrRestore")]
    public static Task<HttpResponseData> StartPitrRestore(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "restores/pitr")] HttpRequestData request) =>
        HttpAnswers.ProblemAsync(request, Problem);
}
