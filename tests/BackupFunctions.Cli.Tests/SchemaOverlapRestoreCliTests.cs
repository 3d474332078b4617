using System.Text.Json;
using BackupFunctions.Cli.Tests.Support;
using BackupFunctions.Testing;

namespace BackupFunctions.Cli.Tests;

/// <summary>
/// Issue 17: `backupctl restore` into a database it creates overlaps the schema with the decode (custom dump, Restore:Jobs 2).
/// Through the whole runner: the result is the source's rows, and a copy damaged after its TOC fails with exit 4, the
/// database the run created is dropped (the schema made early does not stay behind looking like a restore), and the
/// staging directory is empty. Into an existing database nothing runs before every check passed.
/// </summary>
public sealed class SchemaOverlapRestoreCliTests(CliEnvironment env) : IClassFixture<CliEnvironment>
{
    /// <summary>A source of about 16 MB of poorly compressible text: its artifact spans many 1 MiB chunks.</summary>
    private async Task<(TempDatabase Source, string Config, string Local, string Staging)> SetUpAsync(string name)
    {
        var source = await TempDatabase.CreateAsync("ovl_src");
        await source.ExecuteAsync("""
            CREATE SCHEMA big;
            CREATE TABLE big.notes (id bigint PRIMARY KEY, body text NOT NULL);
            CREATE INDEX notes_body_idx ON big.notes (left(body, 8));
            INSERT INTO big.notes SELECT g, md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text) FROM generate_series(1, 160000) g;
            CREATE TABLE big.tags (note_id bigint REFERENCES big.notes(id), tag text);
            INSERT INTO big.tags SELECT g, 't' || (g % 50) FROM generate_series(1, 160000, 3) g;
            """);
        var root = Path.Combine(env.Root, name);
        var local = Path.Combine(root, "local");
        var staging = Path.Combine(root, "staging");
        var config = Path.Combine(root, "config.json");
        Directory.CreateDirectory(root);
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            BackupFunctions = new
            {
                Source = new { ConnectionString = TestServices.PgConnectionString(source.Name), PgBinDirectory = TestServices.PgBin },
                Keys = new { env.KeyFile },
                StagingDirectory = staging,
                // One pg_dump stream (a custom archive) and two restore jobs whatever this machine's core count.
                Dump = new { Jobs = 1 },
                Restore = new { Jobs = 2 },
                Targets = new[] { new { Name = "local", Type = "filesystem", Path = local } },
            },
        }));
        return (source, config, local, staging);
    }

    private static async Task<(string Id, string Artifact)> BackupAsync(string config, string local)
    {
        var backup = await Backupctl.RunAsync("backup", "--json", "--config", config);
        Assert.True(backup.ExitCode == 0, backup.ToString());
        var manifest = backup.Json.GetProperty("manifest");
        Assert.NotEqual("directory", manifest.TryGetProperty("dumpFormat", out var f) ? f.GetString() : null);
        return (backup.Json.GetProperty("backupId").GetString()!, Path.Combine(local, manifest.GetProperty("artifactKey").GetString()!));
    }

    [Fact]
    public async Task A_restore_into_a_new_database_gives_the_source_rows_and_leaves_no_staged_file()
    {
        var (source, config, local, staging) = await SetUpAsync("overlap-ok");
        await using var _ = source;
        var (id, _) = await BackupAsync(config, local);
        var destination = env.NewDatabaseName("cli_ovl_ok");

        var restore = await Backupctl.RunAsync("--verbose", "restore", id, "--to", TestServices.PgConnectionString(destination), "--config", config);

        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Contains("creating the schema from the archive's table of contents", restore.Stderr);
        Assert.Equal(await CliEnvironment.RowCountsAsync(source.Name), await CliEnvironment.RowCountsAsync(destination));
        Assert.Empty(Leftovers(staging));
    }

    [Fact]
    public async Task A_copy_damaged_after_its_TOC_fails_drops_the_created_database_and_leaves_no_staged_file()
    {
        var (source, config, local, staging) = await SetUpAsync("overlap-bad");
        await using var _ = source;
        var (id, artifact) = await BackupAsync(config, local);
        var bytes = await File.ReadAllBytesAsync(artifact);
        Assert.True(bytes.Length > 4 << 20, $"{bytes.Length} bytes: the damage must come chunks after the TOC");
        bytes[bytes.Length * 7 / 8] ^= 0x80;
        await File.WriteAllBytesAsync(artifact, bytes);
        var destination = env.NewDatabaseName("cli_ovl_bad");

        var restore = await Backupctl.RunAsync("--verbose", "restore", id, "--to", TestServices.PgConnectionString(destination), "--config", config);

        Assert.True(restore.ExitCode == 4, restore.ToString());
        Assert.Contains("creating the schema from the archive's table of contents", restore.Stderr);
        Assert.Contains("nothing was restored", restore.Stdout);
        Assert.False(await TestServices.DatabaseExistsAsync(destination));
        Assert.Empty(Leftovers(staging));
    }

    [Fact]
    public async Task Into_an_existing_database_a_damaged_copy_restores_not_even_the_schema()
    {
        var (source, config, local, staging) = await SetUpAsync("overlap-existing");
        await using var _ = source;
        var (id, artifact) = await BackupAsync(config, local);
        var bytes = await File.ReadAllBytesAsync(artifact);
        bytes[bytes.Length * 7 / 8] ^= 0x80;
        await File.WriteAllBytesAsync(artifact, bytes);
        await using var existing = await TempDatabase.CreateAsync("cli_ovl_exist");

        var restore = await Backupctl.RunAsync("--verbose", "restore", id, "--to", TestServices.PgConnectionString(existing.Name), "--config", config);

        Assert.True(restore.ExitCode == 4, restore.ToString());
        Assert.DoesNotContain("creating the schema", restore.Stderr);
        Assert.Equal(0L, await existing.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname = 'big'"));
        Assert.Empty(Leftovers(staging));
    }

    /// <summary>What the staging directory holds besides the staging area's lock file (which backups and restores share).</summary>
    private static IEnumerable<string> Leftovers(string staging) => !Directory.Exists(staging) ? []
        : Directory.EnumerateFileSystemEntries(staging).Where(p => Path.GetFileName(p) != ".backupfunctions.lock");
}
