using BackupFunctions.Pipeline.DirectoryArchive;
using BackupFunctions.Pipeline.Manifests;

namespace BackupFunctions.Pipeline;

/// <summary>What a decoded artifact's plaintext starts like.</summary>
public enum PlainContentKind
{
    Unknown,
    /// <summary>No bytes at all (a files backup of an empty set of paths).</summary>
    Empty,
    /// <summary>A pg_dump custom-format archive ("PGDMP").</summary>
    CustomArchive,
    /// <summary>A parallel dump's directory bundle (<see cref="DirectoryArchive.DirectoryBundle.Magic"/>).</summary>
    DirectoryBundle,
    /// <summary>A POSIX tar stream: a files backup.</summary>
    Tar,
    /// <summary>SQL text (pg_dumpall --globals-only starts with a comment).</summary>
    SqlScript,
}

/// <summary>
/// Tells a decoded artifact's kind of content from its first bytes, and which kind a manifest promises, so that a
/// verify can say "decrypts, but is not what this backup should hold" for every kind of backup, not only for a
/// one-stream dump.
/// </summary>
public static class PlainContent
{
    /// <summary>Bytes needed to tell every kind apart (tar's "ustar" magic sits at offset 257).</summary>
    public const int PrefixLength = 512;

    public static PlainContentKind Detect(ReadOnlySpan<byte> prefix)
    {
        if (prefix.IsEmpty) return PlainContentKind.Empty;
        if (prefix.StartsWith("PGDMP"u8)) return PlainContentKind.CustomArchive;
        if (prefix.StartsWith(DirectoryArchive.DirectoryBundle.Magic)) return PlainContentKind.DirectoryBundle;
        if (prefix.Length >= 262 && prefix[257..262].SequenceEqual("ustar"u8)) return PlainContentKind.Tar;
        // An archive of no files is its two zero end blocks.
        if (prefix.Length == PrefixLength && !prefix.ContainsAnyExcept((byte)0)) return PlainContentKind.Tar;
        if (prefix.StartsWith("--"u8) || prefix.StartsWith("SET "u8) || prefix.StartsWith("\\"u8)) return PlainContentKind.SqlScript;
        return PlainContentKind.Unknown;
    }

    /// <summary>Whether a backup with this manifest may decode to <paramref name="actual"/>.</summary>
    public static bool Fits(BackupManifest manifest, PlainContentKind actual) =>
        actual == Expected(manifest) || (manifest.Kind == BackupKind.Files && actual == PlainContentKind.Empty);

    /// <summary>The kind of content a backup with this manifest must decode to.</summary>
    public static PlainContentKind Expected(BackupManifest manifest) => manifest.Kind switch
    {
        BackupKind.Files => PlainContentKind.Tar,
        BackupKind.Globals => PlainContentKind.SqlScript,
        _ when DumpFormats.IsDirectory(manifest.DumpFormat) => PlainContentKind.DirectoryBundle,
        _ => PlainContentKind.CustomArchive,
    };

    public static string Describe(PlainContentKind kind) => kind switch
    {
        PlainContentKind.CustomArchive => "a pg_dump custom-format archive",
        PlainContentKind.DirectoryBundle => "a parallel dump's directory bundle",
        PlainContentKind.Tar => "a tar archive of files",
        PlainContentKind.SqlScript => "an SQL script",
        PlainContentKind.Empty => "nothing",
        _ => "nothing this product writes",
    };
}
