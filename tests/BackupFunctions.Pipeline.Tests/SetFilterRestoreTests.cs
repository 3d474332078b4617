using System.Text;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Inspection;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Testing;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>
/// The SET-filtering path against the PostgreSQL 15 test server, with SQL that holds
/// <c>SET transaction_timeout = 0;</c> as pg_dump/pg_restore 17 and later write it.
/// </summary>
[Collection(VersionSkewCollection.Name)]
public sealed class SetFilterRestoreTests(VersionSkewFixture fixture, ITestOutputHelper output) : IDisposable
{
    private const string IdleTimeout = "SET idle_in_transaction_session_timeout = 0;\n";
    private readonly string _dir = Directory.CreateTempSubdirectory("bf-setfilter-").FullName;

    [Fact]
    public async Task AScriptWithTransactionTimeoutFailsUnfilteredAndRestoresFiltered()
    {
        // The sample database as a plain script, with the line a pg_dump 17 adds.
        var script = await Pg.Runner().RunAsync(PgTool.PgDump, Pg.Connection(fixture.SourceName), []);
        Assert.Contains(IdleTimeout, script);
        var pg17Script = Encoding.UTF8.GetBytes(script.Replace(IdleTimeout, IdleTimeout + "SET transaction_timeout = 0;\n", StringComparison.Ordinal));

        await using var target = await TempDatabase.CreateAsync("setfilter");
        var log = new ListLogger<RestorePipeline>();
        var pipeline = new RestorePipeline(Pg.Runner(), log);

        var e = await Assert.ThrowsAsync<PgToolException>(() => pipeline.RunScriptAsync(new MemoryStream(pg17Script), Pg.Connection(target.Name),
            new RestoreOptions { SetFilter = SetFilterMode.Never }));
        Assert.Equal(PgTool.Psql, e.Tool);
        Assert.Contains("unrecognized configuration parameter \"transaction_timeout\"", e.Message);
        // One transaction: the failed run left nothing behind.
        Assert.Equal(0L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname IN ('auth', 'inventory', 'sales')"));

        var result = await pipeline.RunScriptAsync(new MemoryStream(pg17Script), Pg.Connection(target.Name), new RestoreOptions());
        Assert.True(result.Filtered);
        Assert.Equal(["transaction_timeout"], result.DroppedSetParameters);
        Assert.Contains(result.Warnings, w => w.Contains("transaction_timeout", StringComparison.Ordinal));
        var warning = Assert.Single(log.Entries, l => l.Level == LogLevel.Warning);
        Assert.Contains("transaction_timeout", warning.Message);
        Assert.Contains(result.ServerVersion, warning.Message);
        Assert.Equal(fixture.Backup.RowCounts, await new DatabaseInspector(Pg.Connection(target.Name)).CountRowsAsync());
        output.WriteLine(warning.Message);
    }

    [Fact]
    public async Task ANewerPgRestoreIsDetectedAndItsScriptFilteredForAnOlderServerAndPsql()
    {
        // A "17.6" pg_restore (15's, adding the line 17 writes) and a "15.13" psql, which predates \restrict.
        var bin = FakeClient(pgRestoreVersion: "17.6", psqlVersion: "15.13");
        var log = new ListLogger<RestorePipeline>();
        await using var target = await TempDatabase.CreateAsync("newerclient");

        var result = await new RestorePipeline(new PgToolRunner(new PgClientLocator(bin)), log).RunAsync(new MemoryStream(fixture.Artifact), fixture.Keys,
            Pg.Connection(target.Name), new RestoreOptions { ExpectedStoredSha256 = fixture.Backup.StoredSha256, ExpectedPlainSha256 = fixture.Backup.PlainSha256 });

        Assert.Equal("pg_restore (PostgreSQL) 17.6", result.PgRestoreVersion);
        Assert.Equal("psql (PostgreSQL) 15.13", result.PsqlVersion);
        Assert.Equal(["transaction_timeout"], result.DroppedSetParameters);
        Assert.Equal(2, result.DroppedRestrictLines);
        var warnings = log.Entries.Where(l => l.Level == LogLevel.Warning).Select(l => l.Message).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.Contains("transaction_timeout", StringComparison.Ordinal) && w.Contains("17.6", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("restrict", StringComparison.Ordinal));
        Assert.Contains(log.Entries, l => l.Message.Contains("via pg_restore -f - | SET filter | psql", StringComparison.Ordinal));
        Assert.Equal(fixture.Backup.RowCounts, await new DatabaseInspector(Pg.Connection(target.Name)).CountRowsAsync());
        Assert.Equal(fixture.Shape, await VersionSkewFixture.ShapeAsync(target.ConnectionString));
        foreach (var w in warnings) output.WriteLine(w);
    }

    [Fact]
    public async Task ADamagedArtifactOnTheFilteredPathCommitsNothing()
    {
        var damaged = fixture.Artifact.ToArray();
        // In the last chunk: most of the script has reached psql by the time the damage is found.
        damaged[^40] ^= 0x01;
        await using var target = await TempDatabase.CreateAsync("damaged");

        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => new RestorePipeline(Pg.Runner()).RunAsync(new MemoryStream(damaged), fixture.Keys,
            Pg.Connection(target.Name), new RestoreOptions { SetFilter = SetFilterMode.Always }));

        Assert.Equal(0L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname IN ('auth', 'inventory', 'sales')"));
    }

    [Fact]
    public async Task APsqlErrorOnTheFilteredPathIsReportedAndRolledBack()
    {
        await using var target = await TempDatabase.CreateAsync("conflict");
        await target.ExecuteAsync("CREATE SCHEMA sales; CREATE TABLE sales.customers (id int);");

        var e = await Assert.ThrowsAsync<PgToolException>(() => new RestorePipeline(Pg.Runner()).RunAsync(new MemoryStream(fixture.Artifact), fixture.Keys,
            Pg.Connection(target.Name), new RestoreOptions { SetFilter = SetFilterMode.Always }));

        Assert.Equal(PgTool.Psql, e.Tool);
        Assert.Contains("already exists", e.Message);
        Assert.Equal(0L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname IN ('auth', 'inventory')"));
        Assert.Equal(0L, await target.ScalarAsync<long>("SELECT count(*) FROM sales.customers"));
    }

    /// <summary>A client bin directory whose programs report other versions and otherwise run the 15 client.</summary>
    private string FakeClient(string pgRestoreVersion, string psqlVersion)
    {
        var bin = Directory.CreateDirectory(Path.Combine(_dir, "17", "bin")).FullName;
        var real = TestServices.PgBin;
        WriteScript(Path.Combine(bin, "pg_restore"), $"""
            #!/bin/bash
            set -o pipefail
            if [ "$1" = "--version" ]; then echo "pg_restore (PostgreSQL) {pgRestoreVersion}"; exit 0; fi
            "{real}/pg_restore" "$@" | sed -e 's/^SET idle_in_transaction_session_timeout = 0;$/&\nSET transaction_timeout = 0;/'
            """);
        WriteScript(Path.Combine(bin, "psql"), $"""
            #!/bin/bash
            if [ "$1" = "--version" ]; then echo "psql (PostgreSQL) {psqlVersion}"; exit 0; fi
            exec "{real}/psql" "$@"
            """);
        return bin;
    }

    private static void WriteScript(string path, string text)
    {
        File.WriteAllText(path, text.Replace("\r\n", "\n") + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
