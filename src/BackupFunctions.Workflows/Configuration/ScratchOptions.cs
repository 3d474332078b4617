namespace BackupFunctions.Workflows.Configuration;

/// <summary>Where test restores create their scratch databases; empty means the source server.</summary>
public sealed class ScratchOptions
{
    public string? ConnectionString { get; set; }

    /// <summary>Scratch databases are named {Prefix}{backup id}, so leftovers are easy to find and drop.</summary>
    public string DatabasePrefix { get; set; } = "bf_scratch_";
}
