using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Pitr;

namespace BackupFunctions.Workflows.Models;

public static partial class RequestValidator
{
    /// <summary>
    /// A PITR restore needs a target, a data directory below the configured root and a port; and the host needs the
    /// command its restored servers fetch WAL with. Whether the directory is empty is checked by <see cref="PitrRestoreDirectoryCheck"/>.
    /// </summary>
    public static IReadOnlyList<string> Validate(PointInTimeRestoreRequest request, BackupFunctionsOptions options, DateTimeOffset now)
    {
        var errors = new List<string>();
        var pitr = options.Pitr;
        if (request.Cluster is { } cluster && !string.Equals(cluster, pitr.Cluster, StringComparison.Ordinal))
            errors.Add($"cluster '{cluster}' is not the one this host restores ('{pitr.Cluster}', BackupFunctions:Pitr:Cluster); leave it out or name that one.");
        if (string.IsNullOrWhiteSpace(request.TargetTime))
            errors.Add("targetTime is required: an ISO 8601 time with an offset (e.g. 2026-11-24T10:15:00Z), or \"latest\".");
        else if (!PitrTargetTime.TryParse(request.TargetTime, out var target))
            errors.Add($"targetTime '{request.TargetTime}' is not a time with an offset (e.g. 2026-11-24T10:15:00Z or 2026-11-24T11:15:00+01:00) nor \"latest\".");
        else if (target > now)
            errors.Add($"targetTime {PitrTargetTime.Describe(target)} is in the future; use \"latest\" to recover everything archived.");

        if (string.IsNullOrWhiteSpace(request.DataDirectory))
            errors.Add("dataDirectory is required: a new or empty directory below BackupFunctions:Pitr:RestoreDirectory.");
        else
        {
            try
            {
                pitr.RestoreDataDirectory(request.DataDirectory);
            }
            catch (ArgumentException e)
            {
                errors.Add(e.Message);
            }
        }

        if (request.Port is null)
            errors.Add("port is required: the port the restored server listens on (127.0.0.1), 1024 to 65535.");
        else if (request.Port is < 1024 or > 65535)
            errors.Add($"port {request.Port} is not allowed: use 1024 to 65535.");
        if (string.IsNullOrWhiteSpace(pitr.WalFetchCommand))
            errors.Add("this host cannot run a PITR restore: set BackupFunctions:Pitr:WalFetchCommand to how its restored servers run 'backupctl wal fetch' (e.g. \"backupctl wal fetch --config /etc/backupfunctions/backupfunctions.json\").");
        return errors;
    }
}
