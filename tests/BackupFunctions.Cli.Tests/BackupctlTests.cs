using System.Text.Json;
using BackupFunctions.Cli.Tests.Support;
using BackupFunctions.Testing;

namespace BackupFunctions.Cli.Tests;

/// <summary>
/// The real backupctl, run as a process against the real services with a config file, checked by
/// exit code (docs/cli.md) and by what it prints. The class fixture made a key and one backup.
/// </summary>
public sealed class BackupctlTests(CliEnvironment env) : IClassFixture<CliEnvironment>
{
    [Fact]
    public void Keys_new_writes_a_private_key_file_and_refuses_to_overwrite_it_without_force()
    {
        Assert.True(env.KeysNew.ExitCode == 0, env.KeysNew.ToString());
        var key = JsonDocument.Parse(env.KeyFileAfterNew).RootElement;
        Assert.Equal("cli-key", key.GetProperty("keyId").GetString());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(env.KeyFile));
        }

        Assert.DoesNotContain(key.GetProperty("key").GetString()!, env.KeysNew.Stdout + env.KeysNew.Stderr);

        Assert.True(env.KeysNewAgain.ExitCode == 2, env.KeysNewAgain.ToString());
        Assert.Contains("already exists", env.KeysNewAgain.Stderr);
        Assert.Contains("--force", env.KeysNewAgain.Stderr);
        Assert.Equal(env.KeyFileAfterNew, File.ReadAllText(env.KeyFile));
    }

    [Fact]
    public void Backup_json_reports_three_verified_copies()
    {
        var run = env.Backup;
        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json;
        Assert.True(json.GetProperty("ok").GetBoolean());
        Assert.Equal("succeeded", json.GetProperty("status").GetString());
        Assert.Equal(env.Source.Name, json.GetProperty("database").GetString());
        var copies = json.GetProperty("copies").EnumerateArray().ToList();
        Assert.Equal(["local", "s3", "azure"], copies.Select(c => c.GetProperty("target").GetString()));
        Assert.All(copies, c => Assert.True(c.GetProperty("verified").GetBoolean(), c.ToString()));
        var storedBytes = json.GetProperty("manifest").GetProperty("storedBytes").GetInt64();
        Assert.All(copies, c => Assert.Equal(storedBytes, c.GetProperty("bytes").GetInt64()));
    }

    [Fact]
    public async Task List_json_shows_the_backup_in_every_target()
    {
        var run = await Backupctl.RunAsync("list", "--json", "--config", env.ConfigFile);

        Assert.True(run.ExitCode == 0, run.ToString());
        var backup = Assert.Single(run.Json.GetProperty("backups").EnumerateArray());
        Assert.Equal(BackupId, backup.GetProperty("manifest").GetProperty("backupId").GetString());
        Assert.Equal(["local", "s3", "azure"], backup.GetProperty("verifiedTargets").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(3, backup.GetProperty("foundIn").GetArrayLength());
        Assert.Empty(run.Json.GetProperty("warnings").EnumerateArray());
    }

    [Fact]
    public async Task Verify_latest_reads_every_copy_back_and_exits_0()
    {
        var run = await Backupctl.RunAsync("verify", "latest", "--config", env.ConfigFile);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(BackupId, run.Stdout);
        Assert.Equal(3, run.Stdout.Split('\n').Count(l => l.Contains(" yes ")));
    }

    [Fact]
    public async Task Restore_latest_creates_the_database_with_the_sources_row_counts()
    {
        var destination = env.NewDatabaseName("cli_restored");

        var run = await Backupctl.RunAsync("restore", "latest", "--to", TestServices.PgConnectionString(destination), "--json", "--config", env.ConfigFile);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(BackupId, run.Json.GetProperty("backupId").GetString());
        Assert.Equal("local", run.Json.GetProperty("servedBy").GetString());
        // The database is new, so pg_restore runs one job per core (Restore:Jobs' default).
        var jobs = Math.Clamp(Environment.ProcessorCount, 1, 4);
        Assert.Equal(jobs > 1 ? $"parallel -j {jobs}" : "stream, single transaction", run.Json.GetProperty("mode").GetString());
        var source = await CliEnvironment.RowCountsAsync(env.Source.Name);
        Assert.Equal(3, source.Count);
        Assert.Equal(source, await CliEnvironment.RowCountsAsync(destination));
        // The password given in --to must not be echoed back.
        Assert.DoesNotContain("Password=", run.Stdout + run.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Restore_of_an_unknown_backup_id_exits_5_and_says_how_to_find_one()
    {
        var destination = env.NewDatabaseName("cli_never");

        var run = await Backupctl.RunAsync("restore", "20200101T000000Z-00000000", "--to", TestServices.PgConnectionString(destination), "--config", env.ConfigFile);

        Assert.True(run.ExitCode == 5, run.ToString());
        Assert.Contains("'20200101T000000Z-00000000' was not found", run.Stderr);
        Assert.Contains("backupctl list", run.Stderr);
    }

    [Fact]
    public async Task A_config_file_that_does_not_exist_exits_2_naming_it()
    {
        var missing = Path.Combine(env.Root, "no-such-config.json");

        var run = await Backupctl.RunAsync("backup", "--config", missing);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(missing, run.Stderr);
        Assert.Contains("does not exist", run.Stderr);
    }

    [Fact]
    public async Task An_invalid_target_setting_exits_2_naming_the_target_and_the_problem()
    {
        var config = Path.Combine(env.Root, "bad-target.json");
        env.WriteConfig(config, [CliEnvironment.LocalTarget(env.LocalPath), new() { Name = "tape", Type = "tape" }]);

        var run = await Backupctl.RunAsync("list", "--config", config);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("Target 'tape' has Type 'tape'", run.Stderr);
    }

    [Fact]
    public async Task An_unknown_target_name_exits_2_listing_the_configured_ones_and_backs_nothing_up()
    {
        var run = await Backupctl.RunAsync("backup", "--targets", "x", "--json", "--config", env.ConfigFile);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.False(run.Json.GetProperty("ok").GetBoolean());
        Assert.Equal(2, run.Json.GetProperty("exitCode").GetInt32());
        Assert.Equal("Unknown target(s): x. Configured targets: local, s3, azure.", run.Json.GetProperty("error").GetString());
        Assert.Single(Directory.EnumerateFiles(env.LocalPath, "artifact.bfa", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Verify_of_a_copy_with_one_flipped_byte_exits_4_and_leaves_it_in_place()
    {
        // Its own directory, so the shared backup stays intact for the other tests.
        var config = Path.Combine(env.Root, "local-only.json");
        var local = Path.Combine(env.Root, "flip");
        env.WriteConfig(config, [CliEnvironment.LocalTarget(local)]);
        var backup = await Backupctl.RunAsync("backup", "--json", "--config", config);
        Assert.True(backup.ExitCode == 0, backup.ToString());
        var artifact = Path.Combine(local, backup.Json.GetProperty("manifest").GetProperty("artifactKey").GetString()!);
        var bytes = await File.ReadAllBytesAsync(artifact);
        bytes[bytes.Length / 2] ^= 0x80;
        await File.WriteAllBytesAsync(artifact, bytes);

        var run = await Backupctl.RunAsync("verify", backup.Json.GetProperty("backupId").GetString()!, "--json", "--config", config);

        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.False(run.Json.GetProperty("ok").GetBoolean());
        var copy = Assert.Single(run.Json.GetProperty("copies").EnumerateArray());
        Assert.False(copy.GetProperty("intact").GetBoolean());
        Assert.False(string.IsNullOrWhiteSpace(copy.GetProperty("error").GetString()));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(artifact));
    }

    [Fact]
    public async Task Verify_with_an_unreachable_target_exits_1_not_4_since_no_copy_was_found_damaged()
    {
        var config = Path.Combine(env.Root, "verify-dead-s3.json");
        env.WriteConfig(config, [CliEnvironment.LocalTarget(env.LocalPath), CliEnvironment.S3Target(env.S3Prefix, "http://127.0.0.1:1"), CliEnvironment.AzureTarget(env.Container)]);

        var run = await Backupctl.RunAsync("verify", BackupId, "--json", "--config", config);

        Assert.True(run.ExitCode == 1, run.ToString());
        var copies = run.Json.GetProperty("copies").EnumerateArray().ToDictionary(c => c.GetProperty("target").GetString()!);
        Assert.True(copies["local"].GetProperty("intact").GetBoolean());
        Assert.True(copies["azure"].GetProperty("intact").GetBoolean());
        Assert.False(copies["s3"].GetProperty("intact").GetBoolean());
        Assert.True(copies["s3"].GetProperty("unreachable").GetBoolean());
        Assert.Contains("127.0.0.1:1", copies["s3"].GetProperty("error").GetString());
    }

    [Fact]
    public async Task Backup_with_an_unreachable_S3_endpoint_exits_3_with_the_other_copy_verified()
    {
        var config = Path.Combine(env.Root, "dead-s3.json");
        env.WriteConfig(config, [CliEnvironment.LocalTarget(Path.Combine(env.Root, "partial")), CliEnvironment.S3Target(env.S3Prefix, "http://127.0.0.1:1")]);

        var run = await Backupctl.RunAsync("backup", "--json", "--config", config);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal("partial", run.Json.GetProperty("status").GetString());
        var copies = run.Json.GetProperty("copies").EnumerateArray().ToDictionary(c => c.GetProperty("target").GetString()!);
        Assert.True(copies["local"].GetProperty("verified").GetBoolean());
        Assert.False(copies["s3"].GetProperty("verified").GetBoolean());
        Assert.Contains("127.0.0.1:1", copies["s3"].GetProperty("error").GetString());
    }

    private string BackupId => env.Backup.Json.GetProperty("backupId").GetString()!;
}
