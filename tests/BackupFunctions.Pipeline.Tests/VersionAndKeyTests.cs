using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Testing;

namespace BackupFunctions.Pipeline.Tests;

public sealed class VersionAndKeyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bf-version-").FullName;

    [Fact]
    public async Task ABackupRefusesWhenEveryInstalledPgDumpIsOlderThanTheServer()
    {
        // A fake /usr/lib/postgresql holding only a version-14 client; the server is 15.
        var bin = Directory.CreateDirectory(Path.Combine(_dir, "14", "bin")).FullName;
        var fake = Path.Combine(bin, "pg_dump");
        File.WriteAllText(fake, "#!/bin/sh\necho 'must not run' >&2; exit 3\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var locator = new PgClientLocator(searchRoot: _dir);
        Assert.Equal([14], locator.ListInstalled().Select(i => i.Major));
        Assert.Null(locator.ForServer(15));
        Assert.Equal(14, locator.ForServer(13)!.Major);

        var ring = new KeyRing().Add(TestKeys.Fixed("v", 1), makeCurrent: true);
        var e = await Assert.ThrowsAsync<PgToolException>(() => new BackupPipeline(new PgToolRunner(locator))
            .RunAsync(Pg.Connection("postgres"), new MemoryStream(), new BackupOptions(new ArtifactEncodeOptions(ring.Current))));
        Assert.Equal(PgFailureKind.ServerVersionMismatch, e.Kind);
        Assert.Contains("postgresql-client-15", e.Message);
    }

    [Fact]
    public async Task ARestoreWithTheWrongKeyTouchesNothing()
    {
        await using var source = await TempDatabase.CreateAsync("keysrc");
        await source.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 1000) g;");
        var right = new KeyRing().Add(TestKeys.Fixed("prod-2026", 1), makeCurrent: true);
        using var artifact = new MemoryStream();
        var backup = await new BackupPipeline(Pg.Runner()).RunAsync(Pg.Connection(source.Name), artifact, new BackupOptions(new ArtifactEncodeOptions(right.Current)));
        Assert.Equal(1000, backup.RowCounts!["public.t"]);

        await using var target = await TempDatabase.CreateAsync("keydst");
        var wrong = new KeyRing().Add(TestKeys.Fixed("prod-2026", 2), makeCurrent: true);
        var e = await Assert.ThrowsAsync<WrongKeyException>(() => new RestorePipeline(Pg.Runner())
            .RunAsync(new MemoryStream(artifact.ToArray()), wrong, Pg.Connection(target.Name), new RestoreOptions { ExpectedStoredSha256 = backup.StoredSha256 }));
        Assert.Equal("prod-2026", e.KeyId);
        var missing = await Assert.ThrowsAsync<UnknownKeyException>(() => new RestorePipeline(Pg.Runner())
            .RunAsync(new MemoryStream(artifact.ToArray()), new KeyRing().Add(TestKeys.Fixed("other", 1)), Pg.Connection(target.Name), new RestoreOptions()));
        Assert.Contains("'prod-2026'", missing.Message);
        Assert.Equal(0L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));

        // And with the right key it restores.
        await new RestorePipeline(Pg.Runner()).RunAsync(new MemoryStream(artifact.ToArray()), right, Pg.Connection(target.Name),
            new RestoreOptions { ExpectedStoredSha256 = backup.StoredSha256, NoOwner = true });
        Assert.Equal(1000L, await target.ScalarAsync<long>("SELECT count(*) FROM t"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
