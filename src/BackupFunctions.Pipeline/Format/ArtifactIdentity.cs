namespace BackupFunctions.Pipeline.Format;

/// <summary>
/// Which backup an artifact is, written into its header from format version 2 on: the backup id, the
/// database and the creation time. The header is authenticated by the key wrap and by every chunk, so
/// an artifact copied under another backup's id, or described by a manifest for another backup, is
/// caught before any plaintext is released (docs/artifact-format.md).
/// </summary>
public sealed record ArtifactIdentity(string BackupId, string? Database, DateTimeOffset CreatedAt)
{
    /// <summary>The creation time as stored: Unix milliseconds (the header keeps no finer precision).</summary>
    public long CreatedAtUnixMs => CreatedAt.ToUnixTimeMilliseconds();

    /// <summary>Equal as the header stores them: same id, same database (null and empty alike), same millisecond.</summary>
    public bool SameAs(ArtifactIdentity other) =>
        string.Equals(BackupId, other.BackupId, StringComparison.Ordinal)
        && string.Equals(Database ?? "", other.Database ?? "", StringComparison.Ordinal)
        && CreatedAtUnixMs == other.CreatedAtUnixMs;

    public override string ToString() => $"backup '{BackupId}' of database '{Database ?? ""}' created {CreatedAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}";
}
