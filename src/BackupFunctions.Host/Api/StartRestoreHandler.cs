using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using BackupFunctions.Host.Http;
using BackupFunctions.Workflows;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Restore.Merge;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Api;

/// <summary>
/// POST /api/restores (admin key): restore a backup into a given server or a scratch database, or
/// test-restore it, or restore a files backup into a directory ("targetDirectory"), or ("mode": "merge") merge a tenant backup into a database that holds other tenants.
/// </summary>
internal static class StartRestoreHandler
{
    // No default body: a restore overwrites data, so the caller must say what it wants.
    public static Task<IResult> HandleAsync(
        HttpContext http, DurableTaskClient client, ManagementUrls urls, ILogger<ProductApi> logger, CancellationToken ct) =>
        ManualStart.HandleAsync<RestoreRequest>(http, client, urls, logger, emptyMeansDefault: false,
            RequestValidator.Validate,
            request => (request.Test ? OrchestrationNames.TestRestore : OrchestrationNames.Restore, request),
            idPrefix: "", ct,
            // A merge of a full backup, or into a database that is not there, is a bad request, not a failed run.
            // The environment (keys, targets) is resolved only for a merge, so a plain restore never depends on it here.
            validateAsync: (request, c) => RestoreModes.IsMerge(request.Mode)
                ? MergeRequestChecks.CheckAsync(http.RequestServices.GetRequiredService<BackupEnvironment>(), request, c)
                : Task.FromResult(FilesDirectoryProblems(http, request)));

    /// <summary>A files restore's directory must lie below the configured root (and files restores must be on): a 400, not a failed run.</summary>
    private static IReadOnlyList<string> FilesDirectoryProblems(HttpContext http, RestoreRequest request)
    {
        if (request.TargetDirectory is not { } directory)
        {
            return [];
        }

        try
        {
            http.RequestServices.GetRequiredService<BackupFunctionsOptions>().Restore.FilesRestorePath(directory);
            return [];
        }
        catch (ArgumentException e)
        {
            return [e.Message];
        }
    }
}
