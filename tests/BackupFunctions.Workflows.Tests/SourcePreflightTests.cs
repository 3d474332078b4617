using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Operations;
using BackupFunctions.Workflows.Preflight;
using BackupFunctions.Workflows.Tests.Support;
using Npgsql;

namespace BackupFunctions.Workflows.Tests;

/// <summary>
/// The refusals that need no dump come from the preflight, before pg_dump starts and before any upload, each with its
/// own wording: a role filtered by FORCE ROW LEVEL SECURITY on tables it owns, and a server newer than every pg_dump.
/// </summary>
public sealed class SourcePreflightTests : IAsyncLifetime
{
    private const string Password = "forced-owner-pw";
    private readonly string _role = "bf_forced_" + Guid.NewGuid().ToString("N")[..8];
    private TempDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await TempDatabase.CreateAsync("forced");
        await Admin($"CREATE ROLE {_role} LOGIN PASSWORD '{Password}' NOBYPASSRLS;");
        await _db.ExecuteAsync($"""
            CREATE TABLE public.accounts (id int PRIMARY KEY, tenant text NOT NULL);
            INSERT INTO public.accounts SELECT g, 't' || (g % 3) FROM generate_series(1, 30) g;
            ALTER TABLE public.accounts OWNER TO {_role};
            ALTER TABLE public.accounts ENABLE ROW LEVEL SECURITY;
            ALTER TABLE public.accounts FORCE ROW LEVEL SECURITY;
            CREATE POLICY only_t1 ON public.accounts USING (tenant = 't1');
            CREATE TABLE public.plain (id int PRIMARY KEY);
            ALTER TABLE public.plain OWNER TO {_role};
            """);
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        await Admin($"DROP ROLE IF EXISTS {_role};");
    }

    /// <remarks>
    /// The preflight runs beside the dump, and pg_dump, as this role, fails on the table too ("query would be affected by
    /// row-level security policy"): whichever fails first, the refusal is the error, and no target keeps anything.
    /// </remarks>
    [Fact]
    public async Task An_owner_under_FORCE_RLS_is_refused_with_the_FORCE_wording_and_nothing_uploaded()
    {
        await using var targets = await ThreeTargets.CreateAsync(_db.Name);
        targets.Options.Source.ConnectionString = new NpgsqlConnectionStringBuilder(_db.ConnectionString) { Username = _role, Password = Password }.ConnectionString;
        var env = targets.Environment();
        var stages = new List<string>();

        var ex = await Assert.ThrowsAsync<SourcePreflightException>(() =>
            new DirectBackupRunner(env).RunAsync(null, [ThreeTargets.Local], new SynchronousStages(stages)));

        Assert.Contains($"'{_role}' owns public.accounts, but FORCE ROW LEVEL SECURITY applies the policies to the owner too", ex.Message);
        Assert.Contains("BYPASSRLS", ex.Message);
        Assert.Contains("superuser", ex.Message);
        Assert.Contains("ALTER TABLE public.accounts NO FORCE ROW LEVEL SECURITY", ex.Message);
        Assert.DoesNotContain("public.plain", ex.Message);
        Assert.DoesNotContain("owns the tables", ex.Message);
        Assert.DoesNotContain("back up as the owner", ex.Message);
        Assert.Equal("preflight", stages[0]);
        Assert.DoesNotContain("verify", stages);
        Assert.DoesNotContain("manifest", stages);
        Assert.False(Directory.Exists(targets.LocalPath) && Directory.EnumerateFiles(targets.LocalPath, "*", SearchOption.AllDirectories).Any());
        // The staging directory keeps only its lock file: the refused dump's artifact (finished or partial) is gone.
        var leftInStaging = Directory.Exists(targets.Options.StagingDirectory) ? Directory.GetFiles(targets.Options.StagingDirectory, "*.bfa*") : [];
        Assert.True(leftInStaging.Length == 0, "left in staging: " + string.Join(", ", leftInStaging));
    }

    [Fact]
    public async Task A_backup_with_only_an_older_pg_dump_configured_is_refused_by_the_preflight_wording_not_the_dumps()
    {
        // The dump beside the preflight fails on its own too (it finds no pg_dump for the server): the preflight's refusal,
        // which names the setting to change, is still the error the backup reports.
        var root = Directory.CreateTempSubdirectory("bf-pgroot-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "14", "bin"));
            await File.WriteAllTextAsync(Path.Combine(root, "14", "bin", "pg_dump"), "");
            await using var targets = await ThreeTargets.CreateAsync(_db.Name);
            targets.Options.Source.PgBinDirectory = Path.Combine(root, "14", "bin");
            var env = targets.Environment();

            var ex = await Assert.ThrowsAsync<SourcePreflightException>(() =>
                new DirectBackupRunner(env).RunAsync(null, [ThreeTargets.Local, ThreeTargets.S3]));

            Assert.Contains("newer than every pg_dump available here", ex.Message);
            Assert.Contains("(PostgreSQL 14)", ex.Message);
            Assert.Contains("nothing was dumped or uploaded", ex.Message);
            Assert.Contains("BackupFunctions:Source:PgBinDirectory", ex.Message);
            Assert.False(Directory.Exists(targets.LocalPath) && Directory.EnumerateFiles(targets.LocalPath, "*", SearchOption.AllDirectories).Any());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_role_that_does_not_own_the_filtered_table_is_told_to_use_BYPASSRLS_or_the_owner()
    {
        await _db.ExecuteAsync($"ALTER TABLE public.accounts OWNER TO postgres; GRANT SELECT ON public.accounts TO {_role};");
        var source = PgConnectionInfo.FromConnectionString(
            new NpgsqlConnectionStringBuilder(_db.ConnectionString) { Username = _role, Password = Password }.ConnectionString);

        var ex = await Assert.ThrowsAsync<SourcePreflightException>(() =>
            SourcePreflight.RunAsync(source, new PgClientLocator(TestServices.PgBin), fullBackup: true, CancellationToken.None));

        Assert.Contains("back up as the owner of public.accounts", ex.Message);
        Assert.DoesNotContain("NO FORCE", ex.Message);
    }

    [Fact]
    public async Task A_server_newer_than_every_pg_dump_found_is_refused_with_its_own_wording()
    {
        // An installation root that holds only a pg_dump 14: older than the PostgreSQL 15 test server.
        var root = Directory.CreateTempSubdirectory("bf-pgroot-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "14", "bin"));
            await File.WriteAllTextAsync(Path.Combine(root, "14", "bin", "pg_dump"), "");
            var source = PgConnectionInfo.FromConnectionString(_db.ConnectionString);

            var found = await Assert.ThrowsAsync<SourcePreflightException>(() =>
                SourcePreflight.RunAsync(source, new PgClientLocator(searchRoot: root), fullBackup: true, CancellationToken.None));
            var configured = await Assert.ThrowsAsync<SourcePreflightException>(() =>
                SourcePreflight.RunAsync(source, new PgClientLocator(Path.Combine(root, "14", "bin")), fullBackup: true, CancellationToken.None));

            Assert.Contains("runs PostgreSQL 15", found.Message);
            Assert.Contains("newer than every pg_dump available here (14)", found.Message);
            Assert.Contains("nothing was dumped or uploaded", found.Message);
            Assert.Contains("install postgresql-client-15", found.Message);
            Assert.DoesNotContain("pg_dump failed", found.Message);
            Assert.Contains("BackupFunctions:Source:PgBinDirectory", configured.Message);

            // The same server with the installed client passes.
            var ok = await SourcePreflight.RunAsync(source, new PgClientLocator(TestServices.PgBin), fullBackup: true, CancellationToken.None);
            Assert.Equal(15, ok.ServerMajor);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task Admin(string sql)
    {
        await using var conn = new NpgsqlConnection(TestServices.PgConnectionString());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Records the stages in the order reported, on the reporting thread.</summary>
    private sealed class SynchronousStages(List<string> stages) : IProgress<BackupProgress>
    {
        public void Report(BackupProgress value)
        {
            if (stages.Count == 0 || stages[^1] != value.Stage)
            {
                stages.Add(value.Stage);
            }
        }
    }
}
