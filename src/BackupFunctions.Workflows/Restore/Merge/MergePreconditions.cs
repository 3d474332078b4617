using System.Text.RegularExpressions;
using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Pipeline.Processes;

namespace BackupFunctions.Workflows.Restore.Merge;

/// <summary>
/// What must hold before a merge starts, in words a person can act on. The HTTP API, the CLI and the
/// merge itself ask the same questions, so a bad request is refused up front (400, exit code 2).
/// </summary>
public static partial class MergePreconditions
{
    /// <summary>Null when <paramref name="manifest"/> is a tenant backup that can be merged; else why not.</summary>
    public static string? CheckBackup(BackupManifest manifest)
    {
        if (manifest.Kind != BackupKind.Tenant)
        {
            return $"backup {manifest.BackupId} is a {manifest.Kind.ToString().ToLowerInvariant()} backup: only a tenant backup can be merged " +
                "into a database that holds other tenants. Restore a full backup into its own database instead (no merge).";
        }

        if (string.IsNullOrEmpty(manifest.TenantId) || !TenantIdPattern().IsMatch(manifest.TenantId))
        {
            return $"backup {manifest.BackupId} names no usable tenant id ('{manifest.TenantId}'), so its rows cannot be told apart in the target.";
        }

        return null;
    }

    /// <summary>Null when the destination database exists (a merge never creates one); else why not.</summary>
    public static async Task<string?> CheckDatabaseAsync(PgConnectionInfo destination, CancellationToken ct)
    {
        try
        {
            await new DatabaseInspector(destination).CanConnectAsync(ct).ConfigureAwait(false);
            return null;
        }
        catch (PgConnectionException e) when (e.Kind == PgFailureKind.DatabaseNotFound)
        {
            return $"database '{destination.Database}' does not exist on {destination.Host}:{destination.Port}: a merge goes into an existing " +
                "database that already has the schema. Restore without merge to create a new database.";
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,100}$")]
    private static partial Regex TenantIdPattern();
}
