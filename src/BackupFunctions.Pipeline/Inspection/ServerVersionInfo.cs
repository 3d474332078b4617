namespace BackupFunctions.Pipeline.Inspection;

/// <summary>A server's version: <c>server_version_num</c> (e.g. 150014) and <c>server_version</c> text.</summary>
public sealed record ServerVersionInfo(int Number, string Text)
{
    /// <summary>Major version: 15 for 150014 (for 9.x this gives 9).</summary>
    public int Major => Number / 10000;
}
