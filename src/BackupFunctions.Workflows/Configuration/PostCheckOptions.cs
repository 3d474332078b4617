namespace BackupFunctions.Workflows.Configuration;

/// <summary>One post-restore check: a query whose single value must be true.</summary>
public sealed class PostCheckOptions
{
    public string Name { get; set; } = "";

    public string Sql { get; set; } = "";
}
