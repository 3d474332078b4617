namespace BackupFunctions.Workflows.Models;

public static partial class RequestValidator
{
    /// <summary>The combinations of mode and the other fields that make sense; what needs the backup or the server is checked by MergePreconditions.</summary>
    private static IEnumerable<string> ValidateMode(RestoreRequest request)
    {
        if (request.TargetDirectory is not null)
        {
            foreach (var problem in ValidateFilesRestore(request))
            {
                yield return problem;
            }

            yield break;
        }

        if (!RestoreModes.All.Contains(request.Mode, StringComparer.OrdinalIgnoreCase))
        {
            yield return $"mode '{request.Mode}' is not known: use one of {string.Join(", ", RestoreModes.All)}.";
            yield break;
        }

        if (!RestoreModes.IsMerge(request.Mode))
        {
            if (request.ReplaceTenantRows)
            {
                yield return "replaceTenantRows applies only to mode \"merge\".";
            }

            yield break;
        }

        if (request.Test)
        {
            yield return "a test restore cannot be a merge: a test restore goes into a scratch database and is dropped.";
        }

        if (request.TargetDatabase is null && DatabaseOf(request.TargetConnectionString) is null)
        {
            yield return "mode \"merge\" needs the database to merge into (targetDatabase, or a targetConnectionString with Database=): " +
                "a merge goes into an existing database that holds other tenants, never into a generated scratch database.";
        }

        if (string.Equals(request.BackupId, "latest", StringComparison.OrdinalIgnoreCase))
        {
            yield return "mode \"merge\" needs the id of a tenant backup, not \"latest\" (GET /api/backups or 'backupctl list' shows them).";
        }
    }

    /// <summary>A files restore goes into a directory: none of the database fields apply, and the path stays below the configured root.</summary>
    private static IEnumerable<string> ValidateFilesRestore(RestoreRequest request)
    {
        if (request.Test || RestoreModes.IsMerge(request.Mode) || request.TargetConnectionString is not null || request.TargetDatabase is not null)
        {
            yield return "targetDirectory restores a files backup into a directory: it cannot be combined with test, mode \"merge\", targetConnectionString or targetDatabase.";
        }

        if (string.IsNullOrWhiteSpace(request.TargetDirectory) || request.TargetDirectory.Split('/', '\\').Contains(".."))
        {
            yield return "targetDirectory must name a directory below BackupFunctions:Restore:FilesDirectory (no '..' segments).";
        }
    }

    private static string? DatabaseOf(string? connectionString)
    {
        try
        {
            return string.IsNullOrWhiteSpace(connectionString) ? null
                : new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database is { Length: > 0 } db ? db : null;
        }
        catch (ArgumentException)
        {
            return null; // reported by the connection string's own check
        }
    }
}
