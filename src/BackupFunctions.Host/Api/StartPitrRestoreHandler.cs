using BackupFunctions.Host.Http;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Pitr;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Api;

/// <summary>
/// POST /api/restores/pitr (admin key): a point-in-time restore of the PITR cluster into a new data directory below
/// BackupFunctions:Pitr:RestoreDirectory on this host, its server started on 127.0.0.1:port. A missing or future target,
/// a directory outside the root or not empty, or a host without Pitr:WalFetchCommand is a 400 before anything starts.
/// </summary>
internal static class StartPitrRestoreHandler
{
    // No default body: the caller must name the target time and the directory.
    public static Task<IResult> HandleAsync(
        HttpContext http, DurableTaskClient client, BackupFunctionsOptions options, ManagementUrls urls, TimeProvider clock,
        ILogger<ProductApi> logger, CancellationToken ct) =>
        ManualStart.HandleAsync<PointInTimeRestoreRequest>(http, client, urls, logger, emptyMeansDefault: false,
            request => RequestValidator.Validate(request, options, clock.GetUtcNow()),
            request => (OrchestrationNames.PitrRestore, request with { Cluster = options.Pitr.Cluster }),
            idPrefix: "pitr-restore-", ct,
            validateAsync: (request, _) => Task.FromResult(PitrRestoreDirectoryCheck.Check(request, options)));
}
