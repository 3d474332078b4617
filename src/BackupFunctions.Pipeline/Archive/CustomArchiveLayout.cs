namespace BackupFunctions.Pipeline.Archive;

/// <summary>One TOC entry as far as offsets go: where its offset field sits in the file and what it holds.</summary>
public sealed record ArchiveTocItem(int DumpId, string? Desc, string? Tag, bool HadDumper, long OffsetFieldPosition, int OffsetFlag, long OffsetValue)
{
    public const int OffsetPosNotSet = 1;
    public const int OffsetPosSet = 2;
    public const int OffsetNoData = 3;
}

/// <summary>A data block of the archive's data area: its dump id, its type byte and where it starts (its type byte).</summary>
public sealed record ArchiveDataBlock(int DumpId, int BlockType, long Position)
{
    public const int BlkData = 1;
    public const int BlkBlobs = 3;
}

/// <summary>What <see cref="CustomArchiveReader"/> found in a custom-format archive.</summary>
public sealed record CustomArchiveLayout(
    int VersionMajor, int VersionMinor, int VersionRevision, int IntSize, int OffSize,
    IReadOnlyList<ArchiveTocItem> Entries, long DataStart, IReadOnlyList<ArchiveDataBlock> Blocks)
{
    public string Version => $"{VersionMajor}.{VersionMinor}.{VersionRevision}";
}

/// <summary>The outcome of <see cref="CustomArchiveOffsets.Patch"/>.</summary>
public sealed record OffsetPatchResult(string ArchiveVersion, int Entries, int Patched, int AlreadySet, int Blocks);
