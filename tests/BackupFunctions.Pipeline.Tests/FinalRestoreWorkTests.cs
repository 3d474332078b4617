using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.RowCounts;
using BackupFunctions.Testing;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>
/// What the final pg_restore of an overlapped restore needs (<see cref="FinalRestoreWork"/>): no data offsets and one job
/// for short statements (a sequence's value, a grant), offsets for a data block, jobs for a key or an index.
/// </summary>
public sealed class FinalRestoreWorkTests : IAsyncLifetime
{
    private static readonly KeyRing Ring = new KeyRing().Add(TestKeys.Fixed("final-restore-work-key", 37), makeCurrent: true);
    private readonly string _staging = Directory.CreateTempSubdirectory("bf-final-work-").FullName;
    private TempDatabase _source = null!;

    private static DumpTocEntry Entry(int id, string desc, int section) => new(id, desc, "app", "t", IsCopy: false) { Section = section };

    private static readonly DumpTocEntry[] Toc =
    [
        Entry(1, "TABLE", DumpTocEntry.PreDataSection),
        Entry(2, "TABLE DATA", DumpTocEntry.DataSection),
        Entry(3, "SEQUENCE SET", DumpTocEntry.DataSection),
        Entry(4, "ACL", 1),
        Entry(5, "FK CONSTRAINT", DumpTocEntry.PostDataSection),
        Entry(6, "BLOBS", DumpTocEntry.DataSection),
        Entry(7, "TRIGGER", DumpTocEntry.PostDataSection),
        new(8, null, null, null, IsCopy: false),
    ];

    [Fact]
    public void Short_statements_need_neither_offsets_nor_jobs_and_data_or_a_key_does()
    {
        Assert.False(FinalRestoreWork.ReadsData(Toc, [3, 4, 7]));
        Assert.False(FinalRestoreWork.NeedsJobs(Toc, [3, 4, 7]));
        // A foreign key reads tables but no data block of the archive.
        Assert.False(FinalRestoreWork.ReadsData(Toc, [3, 5]));
        Assert.True(FinalRestoreWork.NeedsJobs(Toc, [3, 5]));
        Assert.True(FinalRestoreWork.ReadsData(Toc, [2]));
        Assert.True(FinalRestoreWork.ReadsData(Toc, [4, 6]));
        Assert.True(FinalRestoreWork.NeedsJobs(Toc, [6]));
        // An entry it knows nothing of counts as both.
        Assert.True(FinalRestoreWork.ReadsData(Toc, [8]));
        Assert.True(FinalRestoreWork.NeedsJobs(Toc, [8]));
    }

    public async Task InitializeAsync()
    {
        _source = await TempDatabase.CreateAsync("frw_src");
        await _source.ExecuteAsync("""
            CREATE SCHEMA app;
            CREATE TABLE app.items (id serial PRIMARY KEY, label text);
            INSERT INTO app.items (label) SELECT 'item ' || g FROM generate_series(1, 4000) g;
            COMMENT ON TABLE app.items IS 'what we sell';
            GRANT SELECT ON app.items TO PUBLIC;
            """);
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        Directory.Delete(_staging, recursive: true);
    }

    [Fact]
    public async Task A_sequence_value_and_a_grant_left_after_the_batches_are_restored_by_one_job_without_offsets()
    {
        await using var target = await TempDatabase.CreateAsync("frw_r");
        var logger = new ListLogger<RestorePipeline>();

        var result = await OverlapRestoreKit.BackupAndRestoreAsync(Ring, _source.Name, target, _staging, logger);

        Assert.Contains(logger.Entries, e => e.Message.Contains("left after the batches read no data; restoring them with pg_restore -j 1", StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains("data offsets added", StringComparison.Ordinal));
        Assert.Equal(RestoreModes.Parallel(2), result.Mode);
        await OverlapRestoreKit.AssertSameAsSourceAsync(_source.Name, target);
        Assert.Equal(4000L, await target.ScalarAsync<long>("SELECT last_value FROM app.items_id_seq"));
        Assert.True(await target.ScalarAsync<bool>("SELECT has_table_privilege('public', 'app.items', 'SELECT')"));
        Assert.Equal("what we sell", await target.ScalarAsync<string>("SELECT obj_description('app.items'::regclass)"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_staging));
    }
}
