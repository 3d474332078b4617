using System.Security.Cryptography;
using BackupFunctions.Pipeline.Archive;
using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Testing;
using Xunit.Abstractions;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>
/// The offset patcher on real pg_dump archives: a pipe-written dump gets exactly the offsets pg_dump
/// itself writes into a seekable file, pg_restore still reads it, and -j restores every row.
/// </summary>
[Collection(SampleDatabaseCollection.Name)]
public sealed class CustomArchiveOffsetsTests(SampleDatabaseFixture sample, ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bf-offsets-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary><c>pg_dump -Fc -Z0</c> through a pipe (as the backup runs it), or straight into a seekable file.</summary>
    internal static async Task DumpAsync(string database, string path, bool viaPipe)
    {
        if (!viaPipe)
        {
            await Pg.Runner().RunAsync(PgTool.PgDump, Pg.Connection(database), ["-Fc", "-Z0", "-f", path]);
            return;
        }

        await using var dump = Pg.Runner().Start(PgTool.PgDump, Pg.Connection(database), ["-Fc", "-Z0"]);
        await using (var file = File.Create(path))
            await dump.StandardOutput.CopyToAsync(file);
        await dump.WaitForSuccessAsync();
    }

    private static CustomArchiveLayout Layout(string path)
    {
        using var file = File.OpenRead(path);
        return CustomArchiveReader.Read(file);
    }

    private static OffsetPatchResult PatchFile(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        return CustomArchiveOffsets.Patch(file);
    }

    private static Task<string> ListAsync(string path) => Pg.Runner().RunAsync(PgTool.PgRestore, null, ["--list", path]);

    [Fact]
    public async Task APipeDumpGetsTheOffsetsPgDumpWritesIntoASeekableFile()
    {
        await using var db = await TempDatabase.CreateAsync("offsets");
        await db.ExecuteAsync("""
            CREATE TABLE a (id int PRIMARY KEY, t text);
            INSERT INTO a SELECT g, repeat('x', g % 50) FROM generate_series(1, 5000) g;
            CREATE TABLE empty_one (id int);
            CREATE SEQUENCE s; SELECT setval('s', 42);
            SELECT lo_from_bytea(0, convert_to(repeat('large object ', 1000), 'UTF8'));
            SELECT lo_from_bytea(0, '\x00ff00ff'::bytea);
            CREATE TABLE b (id int REFERENCES a, v jsonb);
            INSERT INTO b SELECT g, jsonb_build_object('g', g) FROM generate_series(1, 3000) g;
            """);
        var pipe = Path.Combine(_dir, "pipe.dump");
        var seekable = Path.Combine(_dir, "file.dump");
        await DumpAsync(db.Name, pipe, viaPipe: true);
        await DumpAsync(db.Name, seekable, viaPipe: false);

        var before = Layout(pipe);
        Assert.Equal("1.14.0", before.Version); // pg_dump 15
        var withData = before.Entries.Where(e => e.OffsetFlag != ArchiveTocItem.OffsetNoData).ToList();
        Assert.All(withData, e => Assert.Equal(ArchiveTocItem.OffsetPosNotSet, e.OffsetFlag));
        Assert.Contains(withData, e => e.Desc == "BLOBS");
        Assert.Contains(before.Blocks, b => b.BlockType == ArchiveDataBlock.BlkBlobs);
        var listBefore = await ListAsync(pipe);

        var result = PatchFile(pipe);
        output.WriteLine($"{result}");
        Assert.Equal(withData.Count, result.Patched);
        Assert.Equal(before.Blocks.Count, result.Patched);
        Assert.Equal(0, result.AlreadySet);

        // pg_dump's own offsets (written when it could seek back) are the oracle.
        var patched = Layout(pipe).Entries.Select(e => (e.DumpId, e.OffsetFlag, e.OffsetValue)).ToList();
        var reference = Layout(seekable).Entries.Select(e => (e.DumpId, e.OffsetFlag, e.OffsetValue)).ToList();
        Assert.Equal(reference, patched);
        Assert.Equal(new FileInfo(seekable).Length, new FileInfo(pipe).Length);
        Assert.Equal(listBefore, await ListAsync(pipe));

        // Patching again finds everything set and changes nothing.
        var hash = SHA256.HashData(await File.ReadAllBytesAsync(pipe));
        Assert.Equal(0, PatchFile(pipe).Patched);
        Assert.Equal(hash, SHA256.HashData(await File.ReadAllBytesAsync(pipe)));

        await using var target = await TempDatabase.CreateAsync("offsets_j2");
        await Pg.Runner().RunAsync(PgTool.PgRestore, Pg.Connection(target.Name), ["--jobs=2", "--exit-on-error", pipe]);
        Assert.Equal(5000L, await target.ScalarAsync<long>("SELECT count(*) FROM a"));
        Assert.Equal(3000L, await target.ScalarAsync<long>("SELECT count(*) FROM b"));
        Assert.Equal(3000L * 3001 / 2, await target.ScalarAsync<long>("SELECT sum((v->>'g')::int) FROM b"));
        Assert.Equal(42L, await target.ScalarAsync<long>("SELECT last_value FROM s"));
        Assert.Equal(2L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_largeobject_metadata"));
        Assert.Equal(13000, await target.ScalarAsync<int>("SELECT max(length(lo_get(oid))) FROM pg_largeobject_metadata"));
    }

    [Fact]
    public async Task APatchedSampleDumpListsTheSameTocAndRestoresWithTwoJobs()
    {
        var path = Path.Combine(_dir, "sample.dump");
        await DumpAsync(sample.Name, path, viaPipe: true);
        var listBefore = await ListAsync(path);
        var result = PatchFile(path);
        output.WriteLine($"{result}");
        Assert.True(result.Patched >= 10, $"{result}");
        Assert.Equal(listBefore, await ListAsync(path));

        await using var target = await TempDatabase.CreateAsync("sample_j2");
        await Pg.Runner().RunAsync(PgTool.PgRestore, Pg.Connection(target.Name), ["--jobs=2", "--exit-on-error", path]);
        var expected = await new DatabaseInspector(Pg.Connection(sample.Name)).CountRowsAsync();
        var actual = await new DatabaseInspector(Pg.Connection(target.Name)).CountRowsAsync();
        Assert.Equal(80000L, actual["sales.order_items"]);
        Assert.Equal(expected.OrderBy(p => p.Key), actual.OrderBy(p => p.Key));
        Assert.Equal(await Pg.SchemaAsync(sample.Name), await Pg.SchemaAsync(target.Name));
    }

    /// <summary>
    /// Only pg_dump 15 is installed (the PG 16–18 packages here hold servers, not clients), so the
    /// 1.15 and 1.16 layouts are made from real 1.14 archives (<see cref="ArchiveVersionRewriter"/>):
    /// the pipe dump rewritten and patched must equal the seekable dump rewritten with its own offsets.
    /// </summary>
    [Theory]
    [InlineData(15)]
    [InlineData(16)]
    public async Task ArchiveVersions115And116AreReadAtTheirOwnFieldsAndGetTheRightOffsets(int minor)
    {
        await using var db = await TempDatabase.CreateAsync("offvers");
        await db.ExecuteAsync("""
            CREATE TABLE a (id int PRIMARY KEY, t text); INSERT INTO a SELECT g, md5(g::text) FROM generate_series(1, 3000) g;
            CREATE SEQUENCE s; CREATE TABLE b (x int); SELECT lo_from_bytea(0, 'blob'::bytea);
            """);
        var pipe = Path.Combine(_dir, "v-pipe.dump");
        var seekable = Path.Combine(_dir, "v-file.dump");
        await DumpAsync(db.Name, pipe, viaPipe: true);
        await DumpAsync(db.Name, seekable, viaPipe: false);

        var rewritten = Path.Combine(_dir, $"v1{minor}.dump");
        await File.WriteAllBytesAsync(rewritten, ArchiveVersionRewriter.Rewrite(await File.ReadAllBytesAsync(pipe), minor));
        var expected = ArchiveVersionRewriter.Rewrite(await File.ReadAllBytesAsync(seekable), minor);

        Assert.Equal($"1.{minor}.0", Layout(rewritten).Version);
        var result = PatchFile(rewritten);
        output.WriteLine($"{result}");
        Assert.Equal(3, result.Patched); // a, b and the large objects (a sequence value is TOC text, not a block)
        var actual = await File.ReadAllBytesAsync(rewritten);
        Assert.Equal(expected.Length, actual.Length);
        // Byte for byte, except the creation time in the header (the two dumps ran a moment apart).
        var headerEnd = 12 + 7 * 5 + (minor >= 15 ? 0 : 4);
        Assert.Equal(expected[headerEnd..], actual[headerEnd..]);
    }

    public static TheoryData<string> Damages => new()
    {
        "truncated in the header", "truncated in the TOC", "truncated in the data", "truncated at a block boundary",
        "garbage", "version 1.17", "directory format byte", "unknown block type", "chunk length past the end", "empty",
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task ADamagedArchiveIsRefusedAndLeftAsItWas(string damage)
    {
        var good = Path.Combine(_dir, "good.dump");
        await using (var db = await TempDatabase.CreateAsync("offdmg"))
        {
            await db.ExecuteAsync("CREATE TABLE a (id int, t text); INSERT INTO a SELECT g, md5(g::text) FROM generate_series(1, 2000) g; CREATE TABLE b AS SELECT * FROM a;");
            await DumpAsync(db.Name, good, viaPipe: true);
        }
        var bytes = await File.ReadAllBytesAsync(good);
        var layout = Layout(good);
        var secondBlock = (int)layout.Blocks[1].Position;
        byte[] damaged = damage switch
        {
            "truncated in the header" => bytes[..20],
            "truncated in the TOC" => bytes[..(int)(layout.DataStart / 2)],
            "truncated in the data" => bytes[..(secondBlock + 40)],
            "truncated at a block boundary" => bytes[..secondBlock],
            "garbage" => RandomNumberGenerator.GetBytes(bytes.Length),
            "version 1.17" => With(bytes, 6, 17),
            "directory format byte" => With(bytes, 10, 5),
            "unknown block type" => With(bytes, secondBlock, 7),
            // The first chunk length of the second block (after its type byte and dump id) made huge.
            "chunk length past the end" => With(bytes, secondBlock + 1 + 1 + layout.IntSize + 1 + 3, 0x70),
            "empty" => [],
            _ => throw new ArgumentOutOfRangeException(nameof(damage)),
        };
        var path = Path.Combine(_dir, "damaged.dump");
        await File.WriteAllBytesAsync(path, damaged);

        var e = Assert.Throws<ArchiveFormatException>(() => PatchFile(path));
        output.WriteLine($"{damage}: {e.Message}");
        Assert.Equal(damaged, await File.ReadAllBytesAsync(path));
    }

    private static byte[] With(byte[] bytes, int index, byte value)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] = value;
        return copy;
    }
}
