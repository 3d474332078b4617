namespace BackupFunctions.Pipeline.RowCounts;

/// <summary>One table's data block in a custom-format dump: bytes [<see cref="Start"/>, <see cref="End"/>), from its type byte to its end marker.</summary>
public readonly record struct DumpDataBlock(int DumpId, long Start, long End)
{
    public long Length => End - Start;
}
