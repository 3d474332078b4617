namespace BackupFunctions.Pipeline;

/// <summary>The values of the manifest's dumpFormat: what the plain bytes of an artifact are.</summary>
public static class DumpFormats
{
    /// <summary>One <c>pg_dump --format=custom</c> archive (the default; also what a manifest without the field means).</summary>
    public const string Custom = "custom";
    /// <summary>A <see cref="DirectoryArchive.DirectoryBundle"/> of a <c>pg_dump --format=directory --jobs=N</c> archive.</summary>
    public const string Directory = "directory";

    public static bool IsDirectory(string? format) => string.Equals(format, Directory, StringComparison.Ordinal);
}
