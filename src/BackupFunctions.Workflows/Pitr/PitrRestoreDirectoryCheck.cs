using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>
/// The checks of a PITR restore request that read the disk, once the request itself is valid: a data directory that holds
/// anything is a 400 before anything starts (the lay-down activity refuses it again, in case it filled up meanwhile).
/// </summary>
public static class PitrRestoreDirectoryCheck
{
    public static IReadOnlyList<string> Check(PointInTimeRestoreRequest request, BackupFunctionsOptions options)
    {
        var directory = options.Pitr.RestoreDataDirectory(request.DataDirectory!);
        try
        {
            PitrDataDirectory.EnsureEmpty(directory);
            return [];
        }
        catch (PitrException e)
        {
            return [$"dataDirectory: {e.Message}"];
        }
    }
}
