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

    [Fact]
    public void A_free_slot_waits_for_a_larger_table_still_decoding_and_one_slot_per_such_table()
    {
        var pending = new List<DumpDataBlock> { Block(1, 0, 51 * MiB), Block(2, 60 * MiB, 37 * MiB) };
        long[] ahead = [100 * MiB];

        // The first free slot keeps itself for the 100 MiB table; the second, with that one claimed, takes the 51 MiB one.
        Assert.Null(OverlappedDataRestore.TakeBatch(pending, ahead, waiting: 0));
        Assert.Equal([1], OverlappedDataRestore.TakeBatch(pending, ahead, waiting: 1)!.Select(b => b.DumpId));
        Assert.Single(pending);
    }

    [Fact]
    public void Nothing_larger_ahead_means_no_wait()
    {
        var pending = new List<DumpDataBlock> { Block(1, 0, 120 * MiB), Block(2, 130 * MiB, MiB) };

        Assert.Equal([1], OverlappedDataRestore.TakeBatch(pending, [100 * MiB], waiting: 0)!.Select(b => b.DumpId));
        Assert.Equal([2], OverlappedDataRestore.TakeBatch(pending, [], waiting: 0)!.Select(b => b.DumpId));
    }
}
