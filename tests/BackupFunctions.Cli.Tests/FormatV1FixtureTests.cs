using System.Text.Json;
using BackupFunctions.Cli.Tests.Support;
using BackupFunctions.Testing;
using Npgsql;

namespace BackupFunctions.Cli.Tests;

/// <summary>
/// A backup written by the code before format 2 (Fixtures/format-v1: artifact format 1, unsigned manifest,
/// its test key) stays listable, verifiable and restorable with the real backupctl, and says that it is unsigned.
/// </summary>
public sealed class FormatV1FixtureTests : IAsyncLifetime
{
    private const string BackupId = "20261205T140802Z-ae63f7fb";
    private readonly string _root = Directory.CreateTempSubdirectory("bf-v1-").FullName;
    private readonly string _destination = "cli_v1_" + Guid.NewGuid().ToString("N")[..16];

    private string Config => Path.Combine(_root, "backupfunctions.json");

    public Task InitializeAsync()
    {
        var fixture = Path.Combine(RepoPaths.Root, "tests", "BackupFunctions.Cli.Tests", "Fixtures", "format-v1");
        CopyDirectory(Path.Combine(fixture, "target"), Path.Combine(_root, "local"));
        var keyFile = Path.Combine(_root, "kek.json");
        File.Copy(Path.Combine(fixture, "kek.json"), keyFile);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(Config, JsonSerializer.Serialize(new
        {
            BackupFunctions = new
            {
                Source = new { ConnectionString = TestServices.PgConnectionString("postgres"), PgBinDirectory = TestServices.PgBin },
                Keys = new { KeyFile = keyFile },
                StagingDirectory = Path.Combine(_root, "staging"),
                Targets = new[] { new { Name = "local", Type = "filesystem", Path = Path.Combine(_root, "local") } },
            },
        }));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task List_shows_the_old_backup_as_unsigned()
    {
        var run = await Backupctl.RunAsync("list", "--json", "--config", Config);

        Assert.True(run.ExitCode == 0, run.ToString());
        var backup = Assert.Single(run.Json.GetProperty("backups").EnumerateArray());
        Assert.Equal(BackupId, backup.GetProperty("manifest").GetProperty("backupId").GetString());
        Assert.Equal(1, backup.GetProperty("manifest").GetProperty("formatVersion").GetInt32());
        Assert.False(backup.GetProperty("signed").GetBoolean());
        Assert.Empty(run.Json.GetProperty("invalid").EnumerateArray());
    }

    [Fact]
    public async Task Verify_passes_and_warns_that_the_manifest_is_unsigned()
    {
        var run = await Backupctl.RunAsync("verify", BackupId, "--config", Config);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(" yes ", run.Stdout);
        Assert.Contains("unsigned", run.Stderr);
    }

    [Fact]
    public async Task Restore_latest_recreates_the_fixtures_tables_and_row_counts()
    {
        var run = await Backupctl.RunAsync("restore", "latest", "--to", TestServices.PgConnectionString(_destination), "--json", "--config", Config);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(BackupId, run.Json.GetProperty("backupId").GetString());
        Assert.Equal(
            new SortedDictionary<string, long> { ["public.notes"] = 2, ["shop.customers"] = 50, ["shop.orders"] = 120 },
            await CliEnvironment.RowCountsAsync(_destination));
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var dest = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(file, dest);
        }
    }

    public async Task DisposeAsync()
    {
        await using (var conn = new NpgsqlConnection(TestServices.PgConnectionString()))
        {
            await conn.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_destination}\" WITH (FORCE)", conn);
            await drop.ExecuteNonQueryAsync();
        }

        Directory.Delete(_root, recursive: true);
    }
}
