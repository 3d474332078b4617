using System.Buffers.Binary;
using System.Text;
using BackupFunctions.Pipeline.DirectoryArchive;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>The bundle a parallel dump is stored as: its writer, its strict reader, and the follower that builds it from pg_dump's directory.</summary>
public sealed class DirectoryBundleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bf-bundle-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A bundle written by hand, to the layout in docs/artifact-format.md (so the reader is checked against the spec, not against our writer).</summary>
    private static Task<byte[]> BundleAsync(params (string Name, byte[][] Chunks)[] members)
    {
        var output = new MemoryStream();
        output.Write(DirectoryBundle.Magic);
        Span<byte> n = stackalloc byte[4];
        foreach (var (name, chunks) in members)
        {
            var bytes = Encoding.UTF8.GetBytes(name);
            BinaryPrimitives.WriteUInt16BigEndian(n, (ushort)bytes.Length);
            output.Write(n[..2]);
            output.Write(bytes);
            foreach (var chunk in chunks)
            {
                BinaryPrimitives.WriteUInt32BigEndian(n, (uint)chunk.Length);
                output.Write(n);
                output.Write(chunk);
            }
            BinaryPrimitives.WriteUInt32BigEndian(n, 0);
            output.Write(n);
        }
        output.Write([0, 0]);
        return Task.FromResult(output.ToArray());
    }

    private Task<int> UnpackAsync(byte[] bundle, string? into = null)
    {
        var target = into ?? Path.Combine(_dir, "out");
        Directory.CreateDirectory(target);
        return DirectoryBundleReader.UnpackAsync(new MemoryStream(bundle), target, default);
    }

    [Fact]
    public async Task MembersRoundTripByteForByteAsFilesOnlyTheOwnerCanRead()
    {
        var big = new byte[700_000];
        new Random(3).NextBytes(big);
        var bundle = await BundleAsync(("3358.dat", [big[..300_000], big[300_000..]]), ("3356.dat", []), ("toc.dat", [Encoding.ASCII.GetBytes("PGDMP toc")]));

        Assert.Equal(3, await UnpackAsync(bundle));

        var outDir = Path.Combine(_dir, "out");
        Assert.Equal(big, await File.ReadAllBytesAsync(Path.Combine(outDir, "3358.dat")));
        Assert.Empty(await File.ReadAllBytesAsync(Path.Combine(outDir, "3356.dat")));
        Assert.Equal("PGDMP toc", await File.ReadAllTextAsync(Path.Combine(outDir, "toc.dat")));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(outDir, "3358.dat")));
    }

    [Theory]
    [InlineData("../escape.dat")]
    [InlineData("/etc/passwd")]
    [InlineData("sub/1.dat")]
    [InlineData("1.dat.gz")]
    [InlineData("")]
    public void OnlyNamesPgDumpWritesAreMembers(string name) => Assert.False(DirectoryBundle.IsValidMemberName(name));

    [Fact]
    public async Task TheReaderRefusesAPathOutsideItsDirectory()
    {
        var bundle = await BundleAsync(("1.dat", [[1]]), ("toc.dat", [[2]]));
        // Same length as "1.dat", so only the name changes: "../1d".
        var evil = bundle.AsSpan().IndexOf("1.dat"u8);
        "../1d"u8.CopyTo(bundle.AsSpan(evil));

        var e = await Assert.ThrowsAsync<DirectoryBundleFormatException>(() => UnpackAsync(bundle));
        Assert.Contains("../1d", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "1d")));
    }

    [Fact]
    public async Task TheReaderRefusesMalformedBundles()
    {
        var good = await BundleAsync(("1.dat", [[1, 2, 3]]), ("toc.dat", [[9]]));

        var badMagic = (byte[])good.Clone();
        badMagic[0] = (byte)'P';
        Assert.Contains("magic", (await Assert.ThrowsAsync<DirectoryBundleFormatException>(() => UnpackAsync(badMagic, Path.Combine(_dir, "a")))).Message);

        var truncated = good[..(good.Length - 7)];
        Assert.Contains("truncated", (await Assert.ThrowsAsync<DirectoryBundleFormatException>(() => UnpackAsync(truncated, Path.Combine(_dir, "b")))).Message);

        byte[] trailing = [.. good, 0];
        Assert.Contains("end marker", (await Assert.ThrowsAsync<DirectoryBundleFormatException>(() => UnpackAsync(trailing, Path.Combine(_dir, "c")))).Message);

        var noToc = await BundleAsync(("1.dat", [[1]]));
        Assert.Contains("toc.dat", (await Assert.ThrowsAsync<DirectoryBundleFormatException>(() => UnpackAsync(noToc, Path.Combine(_dir, "d")))).Message);

        var twice = await BundleAsync(("1.dat", [[1]]), ("1.dat", [[1]]), ("toc.dat", [[1]]));
        Assert.Contains("twice", (await Assert.ThrowsAsync<DirectoryBundleFormatException>(() => UnpackAsync(twice, Path.Combine(_dir, "e")))).Message);

        var huge = await BundleAsync(("1.dat", [[1]]), ("toc.dat", [[1]]));
        // The first chunk length sits after magic (8), name length (2) and "1.dat" (5).
        BinaryPrimitives.WriteUInt32BigEndian(huge.AsSpan(15), DirectoryBundle.MaxChunkBytes + 1u);
        Assert.Contains("chunk", (await Assert.ThrowsAsync<DirectoryBundleFormatException>(() => UnpackAsync(huge, Path.Combine(_dir, "f")))).Message);
    }

    [Theory]
    [InlineData("pg_dump: finished item 3358 TABLE DATA pgbench_accounts", "3358.dat")]
    [InlineData("pg_dump: dumping contents of table \"public.pgbench_accounts\"", null)]
    [InlineData("pg_dump: error: query failed", null)]
    public void PgDumpsFinishedLinesNameTheClosedFile(string line, string? file) =>
        Assert.Equal(file, DirectoryBundle.FinishedDataFile(line));

    [Fact]
    public async Task TheFollowerStreamsAGrowingFileUntilPgDumpSaysItIsFinishedAndDeletesWhatItRead()
    {
        var dump = Path.Combine(_dir, "dump");
        Directory.CreateDirectory(dump);
        await using var follower = new DirectoryDumpFollower(dump, TimeSpan.FromMilliseconds(2));
        var output = new MemoryStream();
        // A small read buffer too: the follower frames chunks for any size the caller asks for.
        var run = follower.CopyToAsync(output, 3);

        await using (var growing = new FileStream(Path.Combine(dump, "7.dat"), FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1))
        {
            await growing.WriteAsync("first half,"u8.ToArray());
            await growing.FlushAsync();
            await Task.Delay(50);
            Assert.False(run.IsCompleted);
            await growing.WriteAsync("second half"u8.ToArray());
        }
        await File.WriteAllTextAsync(Path.Combine(dump, "8.dat"), "other table");
        follower.OnStderrLine("pg_dump: finished item 7 TABLE DATA t7");
        await Task.Delay(50);
        Assert.False(File.Exists(Path.Combine(dump, "7.dat")));
        Assert.False(run.IsCompleted);

        await File.WriteAllTextAsync(Path.Combine(dump, "toc.dat"), "toc");
        follower.DumpSucceeded();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(3, follower.Members);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dump));
        var outDir = Path.Combine(_dir, "out");
        await UnpackAsync(output.ToArray(), outDir);
        Assert.Equal("first half,second half", await File.ReadAllTextAsync(Path.Combine(outDir, "7.dat")));
        Assert.Equal("other table", await File.ReadAllTextAsync(Path.Combine(outDir, "8.dat")));
        Assert.Equal("toc", await File.ReadAllTextAsync(Path.Combine(outDir, "toc.dat")));
    }

    [Fact]
    public async Task TheFollowerRefusesFilesItDoesNotKnowAndADumpWithoutToc()
    {
        var odd = Path.Combine(_dir, "odd");
        Directory.CreateDirectory(odd);
        await File.WriteAllTextAsync(Path.Combine(odd, "notes.txt"), "?");
        await using var oddFollower = new DirectoryDumpFollower(odd, TimeSpan.FromMilliseconds(2));
        Assert.Contains("notes.txt", (await Assert.ThrowsAsync<IOException>(() => oddFollower.CopyToAsync(new MemoryStream()))).Message);

        var empty = Path.Combine(_dir, "empty");
        Directory.CreateDirectory(empty);
        await using var emptyFollower = new DirectoryDumpFollower(empty, TimeSpan.FromMilliseconds(2));
        emptyFollower.DumpSucceeded();
        Assert.Contains("toc.dat", (await Assert.ThrowsAsync<IOException>(() => emptyFollower.CopyToAsync(new MemoryStream()))).Message);

        var failed = Path.Combine(_dir, "failed");
        Directory.CreateDirectory(failed);
        await File.WriteAllTextAsync(Path.Combine(failed, "5.dat"), "half");
        await using var failedFollower = new DirectoryDumpFollower(failed, TimeSpan.FromMilliseconds(2));
        var reading = failedFollower.CopyToAsync(new MemoryStream());
        await Task.Delay(30);
        failedFollower.DumpFailed();
        Assert.Contains("pg_dump stopped", (await Assert.ThrowsAsync<IOException>(() => reading)).Message);
    }
}
