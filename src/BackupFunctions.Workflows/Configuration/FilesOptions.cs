namespace BackupFunctions.Workflows.Configuration;

/// <summary>Configuration files backed up (tar'd) through the same pipeline by the files schedule.</summary>
public sealed class FilesOptions
{
    public List<string> Paths { get; set; } = [];
}
