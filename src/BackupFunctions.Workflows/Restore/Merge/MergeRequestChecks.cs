using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Models;

namespace BackupFunctions.Workflows.Restore.Merge;

/// <summary>
/// The checks of a merge request that need the targets and the destination server: the backup is a
/// tenant backup, and the database exists. The HTTP API answers 400 with them before starting anything.
/// </summary>
public static class MergeRequestChecks
{
    public static async Task<IReadOnlyList<string>> CheckAsync(BackupEnvironment env, RestoreRequest request, CancellationToken ct)
    {
        if (!RestoreModes.IsMerge(request.Mode))
        {
            return [];
        }

        var catalog = await TargetCatalogReader.ReadForAsync(env.Targets, env.Keys, request.Database, request.BackupId, Pipeline.Manifests.BackupKind.Full, ct).ConfigureAwait(false);
        CatalogEntry entry;
        try
        {
            entry = catalog.Resolve(request.BackupId);
        }
        catch (BackupNotFoundException e)
        {
            return [e.Message];
        }

        var errors = new List<string>();
        if (MergePreconditions.CheckBackup(entry.Manifest) is { } notTenant)
        {
            errors.Add(notTenant);
        }

        var destination = RestoreDestination.Resolve(env, request, entry.BackupId);
        try
        {
            if (await MergePreconditions.CheckDatabaseAsync(destination, ct).ConfigureAwait(false) is { } noDatabase)
            {
                errors.Add(noDatabase);
            }
        }
        catch (Pipeline.Processes.PgOperationException e)
        {
            errors.Add($"the destination database cannot be checked: {e.Message}");
        }

        return errors;
    }
}
