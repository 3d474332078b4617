using System.Text.Json;
using BackupFunctions.Cli.Tests.Support;
using BackupFunctions.Testing;

namespace BackupFunctions.Cli.Tests;

/// <summary>
/// Exit codes and output that must not mislead: bad settings (exit 2, every problem at once), a DR machine without a
/// source connection string, a restore of damaged copies (exit 4, as verify), and a server no pg_dump here can dump.
/// </summary>
public sealed class ConfigurationAndDamageTests(CliEnvironment env) : IClassFixture<CliEnvironment>
{
    [Fact]
    public async Task Bad_settings_exit_2_listing_every_problem_at_once_without_a_stack_trace()
    {
        var config = Path.Combine(env.Root, "bad-settings.json");
        var missingKey = Path.Combine(env.Root, "no-such-kek.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            BackupFunctions = new
            {
                Keys = new { KeyFile = missingKey },
                Dump = new { Jobs = "many" },
                Targets = new object[]
                {
                    new { Name = "tape", Type = "tape-drive" },
                    new { Name = "local", Type = "filesystem", Path = env.LocalPath, MaxConcurrency = "lots" },
                },
            },
        }));

        var run = await Backupctl.RunAsync("list", "--config", config);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"Key file '{missingKey}' does not exist", run.Stderr);
        Assert.Contains("'BackupFunctions:Dump:Jobs'", run.Stderr);
        Assert.Contains("'BackupFunctions:Targets:1:MaxConcurrency'", run.Stderr);
        Assert.Contains("Target 'tape' has Type 'tape-drive'", run.Stderr);
        Assert.DoesNotContain("   at ", run.Stdout + run.Stderr);
        Assert.DoesNotContain("InvalidOperationException", run.Stdout + run.Stderr);
    }

    [Fact]
    public async Task List_verify_and_restore_work_on_a_DR_machine_without_a_source_connection_string()
    {
        var config = Path.Combine(env.Root, "dr-machine.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            BackupFunctions = new
            {
                Keys = new { env.KeyFile },
                StagingDirectory = Path.Combine(env.Root, "dr-staging"),
                Targets = new[] { new { Name = "local", Type = "filesystem", Path = env.LocalPath } },
            },
        }));
        var destination = env.NewDatabaseName("cli_dr");

        var list = await Backupctl.RunAsync("list", "--json", "--config", config);
        var verify = await Backupctl.RunAsync("verify", BackupId, "--config", config);
        var restore = await Backupctl.RunAsync("restore", BackupId, "--to", TestServices.PgConnectionString(destination), "--json", "--config", config);
        var backup = await Backupctl.RunAsync("backup", "--config", config);

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal(BackupId, Assert.Single(list.Json.GetProperty("backups").EnumerateArray()).GetProperty("manifest").GetProperty("backupId").GetString());
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Equal(await CliEnvironment.RowCountsAsync(env.Source.Name), await CliEnvironment.RowCountsAsync(destination));
        // A backup does need the source, and says so as bad configuration.
        Assert.True(backup.ExitCode == 2, backup.ToString());
        Assert.Contains("BackupFunctions:Source:ConnectionString is not set", backup.Stderr);
    }

    [Fact]
    public async Task A_restore_whose_every_copy_is_damaged_exits_4_like_verify_and_prints_no_row_table()
    {
        var config = Path.Combine(env.Root, "damaged.json");
        var local = Path.Combine(env.Root, "damaged");
        env.WriteConfig(config, [CliEnvironment.LocalTarget(local)]);
        var backup = await Backupctl.RunAsync("backup", "--json", "--config", config);
        Assert.True(backup.ExitCode == 0, backup.ToString());
        var id = backup.Json.GetProperty("backupId").GetString()!;
        var artifact = Path.Combine(local, backup.Json.GetProperty("manifest").GetProperty("artifactKey").GetString()!);
        var bytes = await File.ReadAllBytesAsync(artifact);
        bytes[bytes.Length / 2] ^= 0x80;
        await File.WriteAllBytesAsync(artifact, bytes);
        var destination = env.NewDatabaseName("cli_damaged");

        var verify = await Backupctl.RunAsync("verify", id, "--config", config);
        var restore = await Backupctl.RunAsync("restore", id, "--to", TestServices.PgConnectionString(destination), "--config", config);

        Assert.True(verify.ExitCode == 4, verify.ToString());
        // The damaged copy's real stored size, not "0 B".
        var row = Assert.Single(verify.Stdout.Split('\n'), l => l.Contains("local", StringComparison.Ordinal) && l.Contains(" NO ", StringComparison.Ordinal));
        Assert.Contains($"{bytes.Length / 1024.0:F1} KiB", row);
        Assert.DoesNotContain(" 0 B ", row);

        Assert.True(restore.ExitCode == 4, restore.ToString());
        Assert.Contains("nothing was restored", restore.Stdout);
        Assert.DoesNotContain("DIFFERS", restore.Stdout);
        Assert.DoesNotContain("served by none", restore.Stdout);
        Assert.False(await TestServices.DatabaseExistsAsync(destination));
    }

    [Fact]
    public async Task A_server_newer_than_the_configured_pg_dump_is_refused_by_the_preflight_and_nothing_is_uploaded()
    {
        // A real PostgreSQL 16 server; the configured client directory holds pg_dump 15.
        await using var server = await EmbeddedPostgres.StartAsync(16);
        await server.CreateDatabaseAsync("newer");
        var config = Path.Combine(env.Root, "newer-server.json");
        var local = Path.Combine(env.Root, "newer-local");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            BackupFunctions = new
            {
                Source = new { ConnectionString = server.ConnectionString("newer"), PgBinDirectory = TestServices.PgBin },
                Keys = new { env.KeyFile },
                StagingDirectory = Path.Combine(env.Root, "newer-staging"),
                Targets = new[] { new { Name = "local", Type = "filesystem", Path = local } },
            },
        }));

        var run = await Backupctl.RunAsync("backup", "--config", config);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"runs PostgreSQL {server.Version}", run.Stderr);
        Assert.Contains("newer than every pg_dump available here", run.Stderr);
        Assert.Contains("BackupFunctions:Source:PgBinDirectory", run.Stderr);
        // The dump starts beside the preflight, but this refusal comes before pg_dump ran at all: no bytes, no pg_dump error.
        Assert.DoesNotContain("read from pg_dump", run.Stderr);
        Assert.DoesNotContain("pg_dump failed", run.Stderr);
        Assert.False(Directory.Exists(local) && Directory.EnumerateFiles(local, "*", SearchOption.AllDirectories).Any());
    }

    private string BackupId => env.Backup.Json.GetProperty("backupId").GetString()!;
}
