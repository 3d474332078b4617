using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Testing;

namespace BackupFunctions.Pipeline.Tests;

public sealed class PgFailureTests : IDisposable
{
    private static readonly KeyRing Ring = new KeyRing().Add(TestKeys.Fixed("fail-key", 5), makeCurrent: true);
    private readonly string _dir = Directory.CreateTempSubdirectory("bf-pgfail-").FullName;

    private static BackupOptions Options => new(new ArtifactEncodeOptions(Ring.Current));

    [Fact]
    public async Task AnUnreachableServerIsReportedAsUnreachable()
    {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        var e = await Assert.ThrowsAnyAsync<PgOperationException>(() =>
            new BackupPipeline(Pg.Runner()).RunAsync(Pg.Connection("postgres", port: 1), new MemoryStream(), Options));
        Assert.Equal(PgFailureKind.Unreachable, e.Kind);
        Assert.True(e.IsTransient);
        Assert.Contains("127.0.0.1:1", e.Message);
    }

    [Fact]
    public async Task AWrongPasswordIsReportedAsAuthenticationFailure()
    {
        var e = await Assert.ThrowsAnyAsync<PgOperationException>(() =>
            new BackupPipeline(Pg.Runner()).RunAsync(Pg.Connection("postgres", password: "not-the-password"), new MemoryStream(), Options));
        Assert.Equal(PgFailureKind.AuthenticationFailed, e.Kind);
        Assert.False(e.IsTransient);
        Assert.DoesNotContain("not-the-password", e.Message);
    }

    [Fact]
    public async Task AMissingDatabaseIsReportedAsSuch()
    {
        var e = await Assert.ThrowsAnyAsync<PgOperationException>(() =>
            new BackupPipeline(Pg.Runner()).RunAsync(Pg.Connection("no_such_db_xyz"), new MemoryStream(), Options));
        Assert.Equal(PgFailureKind.DatabaseNotFound, e.Kind);
        Assert.Contains("no_such_db_xyz", e.Message);
    }

    [Fact]
    public async Task PgDumpItselfClassifiesConnectionFailures()
    {
        // The tool path, without the Npgsql preflight: stderr parsing must classify on its own.
        var runner = Pg.Runner();
        var refused = await Assert.ThrowsAsync<PgToolException>(() => runner.RunAsync(PgTool.PgDump, Pg.Connection("postgres", port: 1), ["--schema-only"]));
        Assert.Equal(PgFailureKind.Unreachable, refused.Kind);
        Assert.NotEqual(0, refused.ExitCode);

        const string secret = "wrong-secret-123";
        var auth = await Assert.ThrowsAsync<PgToolException>(() => runner.RunAsync(PgTool.PgDump, Pg.Connection("postgres", password: secret), ["--schema-only"]));
        Assert.Equal(PgFailureKind.AuthenticationFailed, auth.Kind);
        Assert.Contains("password authentication failed", auth.Message);

        var missing = await Assert.ThrowsAsync<PgToolException>(() => runner.RunAsync(PgTool.PgDump, Pg.Connection("no_such_db_abc"), ["--schema-only"]));
        Assert.Equal(PgFailureKind.DatabaseNotFound, missing.Kind);
    }

    [Fact]
    public void StderrIsScrubbedOfThePasswordAndClassified()
    {
        var c = new StderrCollector("s3cret");
        c.Add("pg_dump: warning: something harmless");
        c.Add("pg_dump: error: connection to server at \"db\" failed: FATAL:  password authentication failed for user \"x\" (password s3cret)");
        Assert.True(c.HasErrors);
        Assert.Equal(PgFailureKind.AuthenticationFailed, c.Kind);
        Assert.DoesNotContain("s3cret", c.Excerpt());
        Assert.Equal(PgFailureKind.ServerVersionMismatch, StderrCollector.Classify("pg_dump: error: aborting because of server version mismatch"));
        Assert.Equal(PgFailureKind.RowLevelSecurity, StderrCollector.Classify("pg_dump: error: query would be affected by row-level security policy for table \"t\""));
        Assert.False(StderrCollector.IsErrorLine("pg_dump: warning: there are circular foreign-key constraints"));
        Assert.True(StderrCollector.IsErrorLine("pg_restore: warning: errors ignored on restore: 3"));
    }

    private string FakePgDump(string body)
    {
        var bin = Directory.CreateDirectory(Path.Combine(_dir, Guid.NewGuid().ToString("N"), "bin")).FullName;
        var script = Path.Combine(bin, "pg_dump");
        File.WriteAllText(script, "#!/bin/sh\nif [ \"$1\" = \"--version\" ]; then echo 'pg_dump (PostgreSQL) 15.99'; exit 0; fi\n" + body + "\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return bin;
    }

    [Theory]
    [InlineData("head -c 20000000 /dev/urandom; exit 1", null)]
    [InlineData("head -c 20000000 /dev/urandom; echo 'pg_dump: error: Dumping the contents of table \"t\" failed' >&2; exit 1", "Dumping the contents")]
    [InlineData("head -c 20000000 /dev/urandom; echo 'pg_dump: error: simulated failure after data' >&2; exit 0", "simulated failure")]
    public async Task AFailingPgDumpFailsTheRunAndLeavesNoValidArtifact(string body, string? expectedText)
    {
        await using var db = await TempDatabase.CreateAsync("fake");
        var artifact = new MemoryStream();
        long flowed = 0;
        var progress = new Progress(p => Interlocked.Exchange(ref flowed, Math.Max(flowed, p.PlainBytes)));
        var e = await Assert.ThrowsAsync<PgToolException>(() =>
            new BackupPipeline(Pg.Runner(FakePgDump(body))).RunAsync(Pg.Connection(db.Name), artifact, Options with { CollectRowCounts = false }, progress));
        Assert.Equal(PgTool.PgDump, e.Tool);
        if (expectedText is not null) Assert.Contains(expectedText, e.Message);
        Assert.True(Interlocked.Read(ref flowed) >= 8 << 20, $"only {flowed} bytes flowed before the failure");
        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => ArtifactDecoder.VerifyAsync(new MemoryStream(artifact.ToArray()), Ring));
    }

    [Fact]
    public async Task AMissingClientIsReportedAsSuch()
    {
        var e = await Assert.ThrowsAsync<PgToolException>(() => new PgToolRunner(new PgClientLocator(Path.Combine(_dir, "nowhere"))).GetVersionAsync(PgTool.PgDump));
        Assert.Equal(PgFailureKind.ToolNotFound, e.Kind);
    }

    [Fact]
    public async Task CanConnectExplainsFailures()
    {
        var e = await Assert.ThrowsAsync<PgConnectionException>(() => new DatabaseInspector(Pg.Connection("postgres", password: "nope")).CanConnectAsync());
        Assert.Equal(PgFailureKind.AuthenticationFailed, e.Kind);
        var u = await Assert.ThrowsAsync<PgConnectionException>(() => new DatabaseInspector(Pg.Connection("postgres", port: 1)).CanConnectAsync());
        Assert.Equal(PgFailureKind.Unreachable, u.Kind);
        await new DatabaseInspector(Pg.Connection("postgres")).CanConnectAsync();
    }

    [Fact]
    public void TheLocatorListsInstalledClients()
    {
        var installed = new PgClientLocator().ListInstalled();
        Assert.Contains(installed, i => i.Major == 15 && i.Has(PgTool.PgDump) && i.Has(PgTool.PgRestore));
        Assert.Equal(installed.Max(i => i.Major), new PgClientLocator().Default.Major);
        Assert.Equal(15, new PgClientLocator().ForServer(15)!.Major);
        Assert.Equal(15, new PgClientLocator(TestServices.PgBin).Default.Major);
    }

    private sealed class Progress(Action<PipelineProgress> report) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) => report(value);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
