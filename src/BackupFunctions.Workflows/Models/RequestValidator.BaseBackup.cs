using BackupFunctions.Workflows.Configuration;

namespace BackupFunctions.Workflows.Models;

public static partial class RequestValidator
{
    /// <summary>A base backup is only of use with WAL archiving set up, which <c>Pitr:Enabled</c> states.</summary>
    public static IReadOnlyList<string> Validate(BaseBackupRequest request, BackupFunctionsOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        return options.Pitr.Enabled
            ? []
            : ["point-in-time recovery is not enabled on this host: set BackupFunctions:Pitr:Enabled=true once archive_command runs 'backupctl wal push' (docs/pitr.md)."];
    }
}
