using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Operations;
using BackupFunctions.Workflows.Restore;
using BackupFunctions.Workflows.Tests.Support;
using Npgsql;

namespace BackupFunctions.Workflows.Tests;

/// <summary>
/// Roles are not in a per-database dump, so a restore onto a server without them fails on ownership.
/// Full backups carry the cluster globals; a restore recreates the missing roles first and never alters existing ones.
/// </summary>
public sealed class GlobalsRestoreTests : IAsyncLifetime
{
    private readonly string _owner = "bf_owner_" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _reader = "bf_reader_" + Guid.NewGuid().ToString("N")[..8];

    // A member of a role the database uses: it reaches the database through that role, so a restore needs it too.
    private readonly string _member = "bf_member_" + Guid.NewGuid().ToString("N")[..8];

    // A role of the same cluster that owns nothing in the database and holds no grant in it.
    private readonly string _stranger = "bf_stranger_" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _destination = "globals_" + Guid.NewGuid().ToString("N")[..12];
    private TempDatabase _source = null!;

    public async Task InitializeAsync()
    {
        await Admin($"""
            CREATE ROLE {_owner} LOGIN CONNECTION LIMIT 7; CREATE ROLE {_reader} NOLOGIN; GRANT {_reader} TO {_owner};
            CREATE ROLE {_member} LOGIN; GRANT {_reader} TO {_member};
            CREATE ROLE {_stranger} LOGIN; GRANT {_stranger} TO {_member};
            """);
        _source = await TempDatabase.CreateAsync("glob");
        await _source.ExecuteAsync($"""
            CREATE TABLE public.invoices (id int PRIMARY KEY, total numeric NOT NULL);
            INSERT INTO public.invoices SELECT g, g * 2 FROM generate_series(1, 50) g;
            ALTER TABLE public.invoices OWNER TO {_owner};
            GRANT SELECT ON public.invoices TO {_reader};
            """);
    }

    public async Task DisposeAsync()
    {
        await Sql.DropDatabaseAsync(_destination);
        await _source.DisposeAsync();
        await Admin($"DROP ROLE IF EXISTS {_owner}; DROP ROLE IF EXISTS {_member}; DROP ROLE IF EXISTS {_stranger}; DROP ROLE IF EXISTS {_reader};");
    }

    [Fact]
    public async Task A_restore_onto_a_server_without_the_roles_recreates_them_with_their_attributes_and_memberships()
    {
        var entry = await BackUpAsync();
        Assert.NotNull(entry.Manifest.GlobalsArtifact);
        await _source.DisposeAsync();
        _source = await TempDatabase.CreateAsync("glob_empty");
        await Admin($"DROP ROLE {_owner}; DROP ROLE {_member}; DROP ROLE {_stranger}; DROP ROLE {_reader};");

        var result = await RestoreAsync(entry);

        Assert.True(result.Succeeded, result.Error);
        // The owner and the grantee the database uses, and the member of the grantee; not the role that only the
        // member belongs to, which the database never mentions: that one is listed, not created.
        Assert.Equal([_member, _owner, _reader], result.RolesCreated.Order(StringComparer.Ordinal));
        Assert.Contains(_stranger, result.RolesNotCreated);
        Assert.DoesNotContain(_stranger, result.RolesCreated);
        Assert.False(await Scalar<bool>("postgres", $"SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{_stranger}')"));
        Assert.True(await Scalar<bool>("postgres", $"SELECT pg_has_role('{_member}', '{_reader}', 'MEMBER')"));
        Assert.Equal(50L, result.RestoredRowCounts["public.invoices"]);
        Assert.Equal(_owner, await Scalar<string>(_destination, "SELECT tableowner FROM pg_tables WHERE tablename = 'invoices'"));
        Assert.True(await Scalar<bool>("postgres", $"SELECT rolcanlogin AND rolconnlimit = 7 FROM pg_roles WHERE rolname = '{_owner}'"));
        Assert.True(await Scalar<bool>("postgres", $"SELECT pg_has_role('{_owner}', '{_reader}', 'MEMBER')"));
        Assert.True(await Scalar<bool>(_destination, $"SELECT has_table_privilege('{_reader}', 'public.invoices', 'SELECT')"));
    }

    [Fact]
    public async Task Roles_that_already_exist_are_left_exactly_as_they_are()
    {
        var entry = await BackUpAsync();
        await Admin($"ALTER ROLE {_owner} NOLOGIN CONNECTION LIMIT 2; REVOKE {_reader} FROM {_owner};");

        var result = await RestoreAsync(entry);

        Assert.True(result.Succeeded, result.Error);
        Assert.Empty(result.RolesCreated);
        Assert.True(await Scalar<bool>("postgres", $"SELECT NOT rolcanlogin AND rolconnlimit = 2 FROM pg_roles WHERE rolname = '{_owner}'"));
        Assert.False(await Scalar<bool>("postgres", $"SELECT pg_has_role('{_owner}', '{_reader}', 'MEMBER')"));
    }

    [Fact]
    public void The_globals_parser_keeps_role_statements_and_drops_grantors_and_everything_else()
    {
        var script = GlobalsScript.Parse(""""
            SET default_transaction_read_only = off;
            CREATE ROLE app;
            ALTER ROLE app WITH NOSUPERUSER INHERIT LOGIN;
            CREATE ROLE "Weird ""Name""";
            ALTER ROLE "Weird ""Name""" SET search_path TO 'app';
            GRANT app TO "Weird ""Name""" WITH INHERIT TRUE GRANTED BY postgres;
            CREATE TABLESPACE fast OWNER app LOCATION '/ssd';
            """");

        Assert.Equal(["app", "Weird \"Name\""], script.Roles.Select(r => r.Name));
        Assert.Equal(["CREATE ROLE app;", "ALTER ROLE app WITH NOSUPERUSER INHERIT LOGIN;"], script.Roles[0].Statements);
        Assert.Equal(["GRANT app TO \"Weird \"\"Name\"\"\" WITH INHERIT TRUE;"], script.Roles[1].Memberships);
        Assert.Equal(["app"], script.Roles[1].MemberOf);
        Assert.Null(script.RolesUsedByDatabase);
    }

    [Fact]
    public void The_globals_parser_reads_the_roles_the_database_uses_from_the_marker_line()
    {
        var script = GlobalsScript.Parse($""""
            CREATE ROLE app;
            {DatabaseRoleUsage.Marker} app "Weird ""Name""" postgres
            """");

        Assert.Equal(["Weird \"Name\"", "app", "postgres"], script.RolesUsedByDatabase!.Order(StringComparer.Ordinal));
    }

    private async Task<CatalogEntry> BackUpAsync()
    {
        await using var targets = await ThreeTargets.CreateAsync(_source.Name);
        var env = targets.Environment();
        var run = await new DirectBackupRunner(env).RunAsync(null, [ThreeTargets.Local]);
        Assert.Equal(BackupRunStatus.Succeeded, run.Status);
        // Keep the local copy beyond the targets' lifetime: copy it out before they are disposed.
        var keep = Directory.CreateTempSubdirectory("bf-glob-").FullName;
        CopyDirectory(targets.LocalPath, Path.Combine(keep, "local"));
        File.Copy(targets.KeyFilePath, Path.Combine(keep, "kek.json"));
        _kept = (keep, targets.Options);
        return (await TargetCatalogReader.ReadAsync(env.Targets, env.Keys, _source.Name)).Resolve(run.BackupId);
    }

    private (string Root, Configuration.BackupFunctionsOptions Options) _kept;

    private async Task<RestoreRunResult> RestoreAsync(CatalogEntry entry)
    {
        var options = new Configuration.BackupFunctionsOptions
        {
            Source = _kept.Options.Source,
            Keys = new Configuration.KeyOptions { KeyFile = Path.Combine(_kept.Root, "kek.json") },
            StagingDirectory = Path.Combine(_kept.Root, "staging"),
            Targets = [ThreeTargets.LocalOptions(Path.Combine(_kept.Root, "local"))],
        };
        try
        {
            var env = new BackupEnvironment(options);
            return await new RestoreRunner(env).RunAsync(entry, PgConnectionInfo.FromConnectionString(TestServices.PgConnectionString(_destination)));
        }
        finally
        {
            Directory.Delete(_kept.Root, recursive: true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static async Task Admin(string sql)
    {
        await using var conn = new NpgsqlConnection(TestServices.PgConnectionString());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<T> Scalar<T>(string database, string sql)
    {
        await using var conn = new NpgsqlConnection(TestServices.PgConnectionString(database));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}
