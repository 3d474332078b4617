namespace BackupFunctions.Workflows.Configuration;

/// <summary>How often and how patiently the orchestrations retry a failed activity (exponential, factor 2).</summary>
public sealed class WorkflowRetryOptions
{
    public int Attempts { get; set; } = 3;

    public TimeSpan FirstInterval { get; set; } = TimeSpan.FromSeconds(5);

    public int UploadAttempts { get; set; } = 4;

    public TimeSpan UploadFirstInterval { get; set; } = TimeSpan.FromSeconds(10);
}
