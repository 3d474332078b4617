using BackupFunctions.Pipeline.RowCounts;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>How <see cref="OverlappedDataRestore.TakeBatch"/> shares decoded tables between the free pg_restore slots.</summary>
public sealed class OverlappedDataBatchTests
{
    private const long MiB = 1L << 20;

    private static DumpDataBlock Block(int id, long start, long length) => new(id, start, start + length);

    [Fact]
    public void The_largest_table_goes_first_and_alone()
    {
        var pending = new List<DumpDataBlock> { Block(1, 0, 1 * MiB), Block(2, 10 * MiB, 50 * MiB), Block(3, 100 * MiB, 9 * MiB) };

        Assert.Equal([2], OverlappedDataRestore.TakeBatch(pending).Select(b => b.DumpId));
        Assert.Equal([3], OverlappedDataRestore.TakeBatch(pending).Select(b => b.DumpId));
        Assert.Equal([1], OverlappedDataRestore.TakeBatch(pending).Select(b => b.DumpId));
        Assert.Empty(pending);
    }

    [Fact]
    public void Small_tables_go_together_up_to_the_minimum_in_file_order()
    {
        var pending = Enumerable.Range(1, 20).Select(i => Block(i, i * 2 * MiB, MiB + i)).ToList();

        var first = OverlappedDataRestore.TakeBatch(pending);

        // The eight largest (ids 13-20) reach 8 MiB; the batch lists them in the order of their blocks in the file.
        Assert.Equal(Enumerable.Range(13, 8), first.Select(b => b.DumpId));
        Assert.True(first.Sum(b => b.Length) >= OverlappedDataRestore.MinBatchBytes);
        Assert.Equal(12, pending.Count);
        Assert.Equal(Enumerable.Range(5, 8), OverlappedDataRestore.TakeBatch(pending).Select(b => b.DumpId));
        Assert.Equal(Enumerable.Range(1, 4), OverlappedDataRestore.TakeBatch(pending).Select(b => b.DumpId));
        Assert.Empty(pending);
    }
}
