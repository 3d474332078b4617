namespace BackupFunctions.Workflows.Orchestrations;

/// <summary>The custom status of a backup orchestration: which step it is on and where each target stands.</summary>
public sealed class BackupStatus
{
    public string Step { get; set; } = "preflight";

    public string? BackupId { get; set; }

    public string? Database { get; set; }

    public Dictionary<string, string> Targets { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public string? Error { get; set; }
}
