namespace BackupFunctions.Workflows.Inspection;

/// <summary>
/// The JSON both hosts answer GET /api/backups/{id}/manifest?target= with when the manifest could be read
/// (docs/http-api.md). Failures are problem details instead, chosen by each host from <see cref="StoredManifestOutcome"/>.
/// </summary>
public static class StoredManifestAnswer
{
    public static object Of(StoredManifestReport report) => new
    {
        backupId = report.BackupId,
        target = report.Target,
        key = report.Key,
        signed = report.Signed,
        valid = report.Valid,
        problem = report.Problem,
        manifest = report.Manifest,
    };
}
