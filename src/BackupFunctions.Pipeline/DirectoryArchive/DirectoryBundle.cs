using System.Text.RegularExpressions;

namespace BackupFunctions.Pipeline.DirectoryArchive;

/// <summary>
/// The plain stream of a parallel dump: the files of a <c>pg_dump --format=directory</c> archive, one
/// after another, in the order they were finished (docs/artifact-format.md, "Directory bundle").
/// A member's size is not known when it starts (pg_dump may still be writing it), so its bytes come
/// in length-prefixed chunks ending with an empty one.
/// </summary>
/// <remarks>
/// Layout, integers big-endian: magic (8 bytes) · members · u16 0. A member is u16 name length,
/// the UTF-8 name, then chunks of u32 length + bytes, ended by a u32 0.
/// </remarks>
public static partial class DirectoryBundle
{
    /// <summary>"BFDIR" + format version 1 + "\n\0": never the start of a pg_dump archive ("PGDMP").</summary>
    public static ReadOnlySpan<byte> Magic => "BFDIR1\n\0"u8;

    /// <summary>The largest chunk a reader accepts; writers use far smaller ones.</summary>
    public const int MaxChunkBytes = 16 << 20;

    /// <summary>The name pg_dump gives the table of contents, written last.</summary>
    public const string TocName = "toc.dat";

    /// <summary>
    /// Only the names pg_dump's directory format writes: nothing with a path in it, so an unpacked
    /// bundle can never write outside its directory, whatever the artifact says.
    /// </summary>
    public static bool IsValidMemberName(string name) => MemberName().IsMatch(name);

    /// <summary>pg_dump -j prints this when a worker has finished (and closed) an item's file.</summary>
    public static string? FinishedDataFile(string stderrLine)
    {
        var m = FinishedItem().Match(stderrLine);
        return m.Success ? m.Groups[1].Value + ".dat" : null;
    }

    [GeneratedRegex(@"^(toc\.dat|blobs\.toc|[0-9]{1,10}\.dat|blob_[0-9]{1,10}\.dat)\z")]
    private static partial Regex MemberName();

    [GeneratedRegex(@"finished item ([0-9]{1,10}) ")]
    private static partial Regex FinishedItem();
}
