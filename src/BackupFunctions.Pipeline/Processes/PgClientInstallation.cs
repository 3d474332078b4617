namespace BackupFunctions.Pipeline.Processes;

/// <summary>One installed set of PostgreSQL client programs. <see cref="Major"/> is 0 when unknown.</summary>
public sealed record PgClientInstallation(int Major, string BinDirectory)
{
    public string PathOf(PgTool tool) => Path.Combine(BinDirectory, tool.FileName());

    public bool Has(PgTool tool) => File.Exists(PathOf(tool));
}
