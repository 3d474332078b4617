using BackupFunctions.Cli.Tests.Support;
using BackupFunctions.Testing;
using Npgsql;

namespace BackupFunctions.Cli.Tests;

/// <summary>backupctl dr: recovery from the targets alone, with an ephemeral state store that is dropped afterwards.</summary>
public sealed class DrCommandTests(CliEnvironment env) : IClassFixture<CliEnvironment>
{
    [Fact]
    public async Task Dr_with_yes_recovers_onto_a_new_database_reports_every_step_and_leaves_no_state_database()
    {
        var destination = env.NewDatabaseName("cli_dr");
        var stateBefore = await StateDatabasesAsync();

        var run = await Backupctl.RunAsync("dr", "latest", "--to", TestServices.PgConnectionString(destination), "--yes", "--json", "--config", env.ConfigFile);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("succeeded", run.Json.GetProperty("status").GetString());
        Assert.True(run.Json.GetProperty("rtoMet").GetBoolean(), run.ToString());
        Assert.Equal(env.Backup.Json.GetProperty("backupId").GetString(), run.Json.GetProperty("backupId").GetString());
        Assert.Equal(await CliEnvironment.RowCountsAsync(env.Source.Name), await CliEnvironment.RowCountsAsync(destination));
        Assert.Equal(stateBefore, await StateDatabasesAsync());
    }

    private static async Task<long> StateDatabasesAsync()
    {
        await using var conn = new NpgsqlConnection(TestServices.PgConnectionString());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname LIKE 'bf_dr_state_%'", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
