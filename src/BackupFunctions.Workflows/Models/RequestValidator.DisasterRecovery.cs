namespace BackupFunctions.Workflows.Models;

public static partial class RequestValidator
{
    /// <summary>Checks a DR request before it starts (POST /api/dr answers 400, backupctl dr exits with 2).</summary>
    public static IReadOnlyList<string> Validate(DisasterRecoveryRequest request)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(request.TargetConnectionString))
        {
            errors.Add("targetConnectionString is required: the connection string of the new server to recover onto (without a password).");
        }

        errors.AddRange(Validate(new RestoreRequest
        {
            BackupId = request.BackupId,
            Database = request.Database,
            TargetConnectionString = request.TargetConnectionString,
            TargetDatabase = request.TargetDatabase,
        }));
        if (request.RtoTarget <= TimeSpan.Zero)
        {
            errors.Add("rtoTarget must be a positive duration, such as \"01:00:00\".");
        }

        return errors;
    }
}
