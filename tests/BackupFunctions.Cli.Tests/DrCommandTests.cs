using BackupFunctions.Cli.Tests.Support;
using BackupFunctions.Testing;
using Npgsql;

namespace BackupFunctions.Cli.Tests;

/// <summary>
/// backupctl dr: recovery from the targets alone, the orchestration on the in-memory Durable Task engine
/// in the command's process, and the catalog in an ephemeral database that is dropped afterwards.
/// </summary>
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

    [Fact]
    public async Task Dr_on_a_terminal_waits_for_approve_to_be_typed_then_recovers()
    {
        var destination = env.NewDatabaseName("cli_dra");
        var stateBefore = await StateDatabasesAsync();

        var run = await Backupctl.RunOnTerminalAsync("Type approve:", "approve",
            "dr", "latest", "--to", TestServices.PgConnectionString(destination), "--config", env.ConfigFile);

        Assert.True(run.ExitCode == 0, run.ToString());
        var screen = Plain(run.Stdout);
        // The prompt came while the orchestration waited for the Approve event, and the event carried who approved.
        Assert.Contains(Plain("step 3 approval: waiting"), screen);
        Assert.Contains(Plain("approved by " + Environment.UserName), screen);
        Assert.Contains(Plain("(met)"), screen);
        Assert.Equal(await CliEnvironment.RowCountsAsync(env.Source.Name), await CliEnvironment.RowCountsAsync(destination));
        Assert.Equal(stateBefore, await StateDatabasesAsync());
    }

    [Fact]
    public async Task Dr_refused_at_the_prompt_terminates_the_run_restores_nothing_and_exits_2()
    {
        var destination = env.NewDatabaseName("cli_drn");
        var stateBefore = await StateDatabasesAsync();

        var run = await Backupctl.RunOnTerminalAsync("Type approve:", "no",
            "dr", "latest", "--to", TestServices.PgConnectionString(destination), "--config", env.ConfigFile);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(Plain("Not approved: nothing was restored."), Plain(run.Stdout));
        Assert.DoesNotContain(Plain("step 4"), Plain(run.Stdout));
        Assert.False(await TestServices.DatabaseExistsAsync(destination), run.ToString());
        Assert.Equal(stateBefore, await StateDatabasesAsync());
    }

    [Fact]
    public async Task Dr_without_yes_and_without_a_terminal_is_a_usage_error()
    {
        var run = await Backupctl.RunAsync("dr", "latest", "--to", TestServices.PgConnectionString(env.NewDatabaseName("cli_drx")), "--json", "--config", env.ConfigFile);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--yes", run.Json.GetProperty("error").GetString());
    }

    private static string Plain(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\x1b\[[0-9;?]*[A-Za-z]|\s+", "");

    private static async Task<long> StateDatabasesAsync()
    {
        await using var conn = new NpgsqlConnection(TestServices.PgConnectionString());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname LIKE 'bf_dr_state_%'", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
