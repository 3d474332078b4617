using System.Diagnostics;
using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Testing;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>
/// Restores across PostgreSQL majors against real servers: a backup taken from 15 into 16, 17 and
/// 18 servers (started from the npm server binaries), and the refusal to dump a newer server with
/// an older pg_dump.
/// </summary>
[Collection(VersionSkewCollection.Name)]
public sealed class VersionSkewRestoreTests(VersionSkewFixture fixture, ITestOutputHelper output)
{
    public static TheoryData<int, SetFilterMode> Majors => new()
    {
        { 16, SetFilterMode.Auto }, { 17, SetFilterMode.Auto }, { 18, SetFilterMode.Auto },
        { 16, SetFilterMode.Always }, { 17, SetFilterMode.Always }, { 18, SetFilterMode.Always },
    };

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task ABackupFromPg15RestoresIntoANewerServer(int major, SetFilterMode mode)
    {
        var server = await fixture.ServerAsync(major);
        Assert.StartsWith($"{major}.", server.Version);
        var database = $"skew_{major}_{mode}".ToLowerInvariant();
        await server.CreateDatabaseAsync(database);
        var target = new PgConnectionInfo(server.Host, server.Port, EmbeddedPostgres.User, EmbeddedPostgres.Password, database);

        // The machine's installed clients, as in production: the same major if there is one, else the lowest newer, else the highest.
        var runner = new PgToolRunner(new PgClientLocator());
        var expectedClient = runner.Locator.ForRestore(major);
        var log = new ListLogger<RestorePipeline>();
        var sw = Stopwatch.StartNew();
        var result = await new RestorePipeline(runner, log).RunAsync(new MemoryStream(fixture.Artifact), fixture.Keys, target,
            new RestoreOptions { ExpectedStoredSha256 = fixture.Backup.StoredSha256, ExpectedPlainSha256 = fixture.Backup.PlainSha256, SetFilter = mode });

        var filtered = mode == SetFilterMode.Always || expectedClient.Major > major;
        Assert.Equal(server.Version, result.ServerVersion);
        Assert.Equal(expectedClient.BinDirectory, result.ClientBinDirectory);
        Assert.Equal(filtered, result.PsqlVersion is not null);
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Information
            && e.Message.Contains($"(server {server.Version}) with {result.PgRestoreVersion} from {expectedClient.BinDirectory}", StringComparison.Ordinal));
        // pg_restore 15 writes nothing a 16+ server rejects.
        Assert.Empty(result.DroppedSetParameters);

        var counts = await new DatabaseInspector(target).CountRowsAsync();
        Assert.Equal(fixture.Backup.RowCounts, counts);
        Assert.True(counts.Values.Sum() > 100_000, "the sample database was restored with its data");
        Assert.Equal(fixture.Shape, await VersionSkewFixture.ShapeAsync(server.ConnectionString(database)));
        output.WriteLine($"PostgreSQL {server.Version}: {counts.Count} tables, {counts.Values.Sum()} rows restored in {sw.Elapsed.TotalSeconds:F1} s " +
                         $"with {result.PgRestoreVersion}{(filtered ? $" | filter | {result.PsqlVersion}" : " directly")}");
    }

    [Fact]
    public async Task AnOlderPgDumpRefusesANewerServerNamingTheClientToInstall()
    {
        var server = await fixture.ServerAsync(18);
        var source = new PgConnectionInfo(server.Host, server.Port, EmbeddedPostgres.User, EmbeddedPostgres.Password, "postgres");
        // Only the 15 client, whatever else this machine has installed.
        var root = Directory.CreateTempSubdirectory("bf-only15-").FullName;
        try
        {
            Directory.CreateSymbolicLink(Path.Combine(root, "15"), Path.GetDirectoryName(TestServices.PgBin)!);
            var runner = new PgToolRunner(new PgClientLocator(searchRoot: root));
            Assert.Equal([15], runner.Locator.ListInstalled().Select(i => i.Major));

            var e = await Assert.ThrowsAsync<PgToolException>(() => new BackupPipeline(runner)
                .RunAsync(source, new MemoryStream(), new BackupOptions(new ArtifactEncodeOptions(fixture.Keys.Current))));
            Assert.Equal(PgFailureKind.ServerVersionMismatch, e.Kind);
            Assert.Equal(PgTool.PgDump, e.Tool);
            Assert.Contains($"PostgreSQL {server.Version}", e.Message);
            Assert.Contains("postgresql-client-18", e.Message);
            Assert.Contains("installed: 15", e.Message);
            output.WriteLine(e.Message);

            // Which is what pg_dump 15 itself would have failed with, after starting.
            var raw = await Assert.ThrowsAsync<PgToolException>(() =>
                runner.RunAsync(PgTool.PgDump, source, ["--schema-only"], client: runner.Locator.ListInstalled()[0]));
            Assert.Equal(PgFailureKind.ServerVersionMismatch, raw.Kind);
            Assert.Contains("server version mismatch", raw.Message);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task AConfiguredClientDirectoryOlderThanTheServerIsRefusedToo()
    {
        var server = await fixture.ServerAsync(17);
        var source = new PgConnectionInfo(server.Host, server.Port, EmbeddedPostgres.User, EmbeddedPostgres.Password, "postgres");
        var runner = Pg.Runner(); // configured: the 15 bin directory

        var e = await Assert.ThrowsAsync<PgToolException>(() => new BackupPipeline(runner)
            .RunAsync(source, new MemoryStream(), new BackupOptions(new ArtifactEncodeOptions(fixture.Keys.Current))));
        Assert.Equal(PgFailureKind.ServerVersionMismatch, e.Kind);
        Assert.Contains("postgresql-client-17", e.Message);
        Assert.Contains($"installed: {TestServices.PgBin} (PostgreSQL 15)", e.Message);
        // A restore still uses the configured client: an older pg_restore can restore into a newer server.
        Assert.Equal(TestServices.PgBin, runner.Locator.ForRestore(17).BinDirectory);
    }
}
