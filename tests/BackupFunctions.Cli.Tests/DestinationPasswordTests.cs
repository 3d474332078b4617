using BackupFunctions.Cli.Commands;
using BackupFunctions.Cli.Tests.Support;
using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Cli.Engine;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BackupFunctions.Cli.Tests;

/// <summary>
/// The destination's password for restore and dr: from a password file (PGPASSFILE), an environment
/// variable or stdin, never from the command line only; and dr never stores it in the orchestration.
/// Each test restores as a role of its own that can log in only with its password (the test server
/// uses scram-sha-256).
/// </summary>
public sealed class DestinationPasswordTests(CliEnvironment env) : IClassFixture<CliEnvironment>
{
    [Fact]
    public async Task Restore_authenticates_with_PGPASSFILE_for_both_npgsql_and_pg_restore()
    {
        await using var role = await PasswordRole.CreateAsync();
        var passfile = role.WritePassFile(env.Root);
        var destination = env.NewDatabaseName("cli_pgpass");
        var to = role.ConnectionStringWithoutPassword(destination);

        var without = await Backupctl.RunAsync("restore", "latest", "--to", to, "--config", env.ConfigFile);
        Assert.True(without.ExitCode != 0, "without the password file the restore must fail: " + without);
        Assert.Contains("password", without.Stdout + without.Stderr, StringComparison.OrdinalIgnoreCase);

        var run = await Backupctl.RunWithEnvironmentAsync(new Dictionary<string, string> { ["PGPASSFILE"] = passfile },
            "restore", "latest", "--to", to, "--config", env.ConfigFile);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(await CliEnvironment.RowCountsAsync(env.Source.Name), await CliEnvironment.RowCountsAsync(destination));
        Assert.DoesNotContain(role.Password, run.Stdout + run.Stderr, StringComparison.Ordinal);
        await role.DropDatabaseAsync(destination);
    }

    [Fact]
    public async Task Restore_takes_the_password_from_the_variable_named_by_password_env()
    {
        await using var role = await PasswordRole.CreateAsync();
        var destination = env.NewDatabaseName("cli_pwenv");
        var variables = new Dictionary<string, string> { ["BF_TEST_DESTINATION_PASSWORD"] = role.Password };

        var run = await Backupctl.RunWithEnvironmentAsync(variables,
            "restore", "latest", "--to", role.ConnectionStringWithoutPassword(destination), "--password-env", "BF_TEST_DESTINATION_PASSWORD", "--config", env.ConfigFile);
        var twice = await Backupctl.RunWithEnvironmentAsync(variables,
            "restore", "latest", "--to", role.ConnectionStringWithoutPassword(destination) + ";Password=" + role.Password,
            "--password-env", "BF_TEST_DESTINATION_PASSWORD", "--config", env.ConfigFile);
        var unset = await Backupctl.RunAsync(
            "restore", "latest", "--to", role.ConnectionStringWithoutPassword(destination), "--password-env", "BF_TEST_NOT_SET_ANYWHERE", "--config", env.ConfigFile);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(await CliEnvironment.RowCountsAsync(env.Source.Name), await CliEnvironment.RowCountsAsync(destination));
        Assert.True(twice.ExitCode == 2, twice.ToString());
        Assert.Contains("one way only", twice.Stderr + twice.Stdout, StringComparison.Ordinal);
        Assert.True(unset.ExitCode == 2, unset.ToString());
        Assert.Contains("BF_TEST_NOT_SET_ANYWHERE", unset.Stderr + unset.Stdout, StringComparison.Ordinal);
        await role.DropDatabaseAsync(destination);
    }

    [Fact]
    public async Task Restore_reads_the_password_from_stdin_and_it_shows_nowhere()
    {
        await using var role = await PasswordRole.CreateAsync();
        var destination = env.NewDatabaseName("cli_pwstdin");
        string[] args = ["restore", "latest", "--to", role.ConnectionStringWithoutPassword(destination), "--password-stdin", "--config", env.ConfigFile];

        var run = await Backupctl.RunWithInputAsync(role.Password + "\n", args);
        var empty = await Backupctl.RunWithInputAsync("\n", args);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(await CliEnvironment.RowCountsAsync(env.Source.Name), await CliEnvironment.RowCountsAsync(destination));
        // The password went in on stdin only: not in the arguments or environment backupctl was started with, nor in what it printed.
        Assert.DoesNotContain(args, a => a.Contains(role.Password, StringComparison.Ordinal));
        Assert.DoesNotContain(role.Password, run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("visible to other users", run.Stdout + run.Stderr, StringComparison.Ordinal); // the Password= warning is not due
        Assert.True(empty.ExitCode == 2, empty.ToString());
        Assert.Contains("--password-stdin", empty.Stdout + empty.Stderr, StringComparison.Ordinal);
        await role.DropDatabaseAsync(destination);
    }

    [Fact]
    public async Task A_wrong_password_on_stdin_fails_with_an_authentication_error_that_names_the_user_and_not_the_password()
    {
        await using var role = await PasswordRole.CreateAsync();
        var destination = env.NewDatabaseName("cli_pwwrong");
        var wrong = "wrong-" + Guid.NewGuid().ToString("N");

        var run = await Backupctl.RunWithInputAsync(wrong + "\n",
            "restore", "latest", "--to", role.ConnectionStringWithoutPassword(destination), "--password-stdin", "--config", env.ConfigFile);

        Assert.True(run.ExitCode == 1, run.ToString());
        var said = run.Stdout + run.Stderr;
        Assert.Contains("password authentication failed", said, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(role.Name, said, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, said, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", said, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", said, StringComparison.Ordinal); // a message, not a stack trace
        Assert.False(await TestServices.DatabaseExistsAsync(destination), "a restore that could not log in created the destination");
    }

    /// <summary>
    /// backupctl dr's own engine wiring (<see cref="DrCommand.StartEngineAsync"/>) with a password given
    /// to the command: the recovery succeeds as the password-only role, and nothing the engine stores
    /// (input, custom status, output, every history event) holds the password.
    /// </summary>
    [Fact]
    public async Task Dr_recovers_with_the_password_kept_in_process_and_stores_it_nowhere()
    {
        await using var role = await PasswordRole.CreateAsync();
        await using var state = await TempDatabase.CreateAsync("cli_drstate");
        var destination = env.NewDatabaseName("cli_drpw");
        var problems = new List<string>();
        var options = CliConfiguration.Load(env.ConfigFile, problems);
        Assert.Empty(problems);
        options.Control.ConnectionString = state.ConnectionString;
        var server = PgConnectionInfo.FromConnectionString(role.ConnectionStringWithoutPassword(destination)) with { Password = role.Password };
        var request = new DisasterRecoveryRequest
        {
            BackupId = "latest",
            TargetConnectionString = DestinationPasswordOptions.WithoutPassword(role.ConnectionStringWithoutPassword(destination) + ";Password=" + role.Password),
            SkipApproval = true,
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));

        var payloads = new RecordingConverter(InMemoryDurableEngine.Converter);
        await using var engine = await DrCommand.StartEngineAsync(options, server, NullLoggerFactory.Instance, timeout.Token, payloads);
        var id = await engine.Client.ScheduleNewOrchestrationInstanceAsync(OrchestrationNames.DisasterRecovery, request, timeout.Token);
        var done = await engine.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
        // The in-memory service does not serve histories; every history event's payload passes through the converter.
        var history = payloads.All;

        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails?.ErrorMessage} {done.SerializedOutput}");
        Assert.Contains("\"succeeded\"", done.SerializedOutput!, StringComparison.Ordinal);
        Assert.Equal(await CliEnvironment.RowCountsAsync(env.Source.Name), await CliEnvironment.RowCountsAsync(destination));
        Assert.Contains(role.Name, done.SerializedInput!, StringComparison.Ordinal);
        Assert.Contains(history, p => p.Contains("rowCounts", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(history, p => p.Contains(role.Name, StringComparison.Ordinal) && p.Contains(destination, StringComparison.Ordinal));
        foreach (var stored in history.Concat([done.SerializedInput, done.SerializedCustomStatus, done.SerializedOutput]))
        {
            Assert.DoesNotContain(role.Password, stored ?? "", StringComparison.Ordinal);
        }

        await role.DropDatabaseAsync(destination);
    }

    [Fact]
    public void A_stored_connection_string_loses_only_its_password()
    {
        var stripped = DestinationPasswordOptions.WithoutPassword("Host=new-db;Port=5433;Username=restorer;Password=s3cr3t;Database=app");
        var b = new NpgsqlConnectionStringBuilder(stripped);
        Assert.Null(b.Password);
        Assert.Equal(("new-db", 5433, "restorer", "app"), (b.Host, b.Port, b.Username, b.Database));
        Assert.DoesNotContain("s3cr3t", stripped, StringComparison.Ordinal);
    }

    /// <summary>Serializes as the engine does, and keeps every payload it produced.</summary>
    private sealed class RecordingConverter(DataConverter inner) : DataConverter
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _payloads = new();

        public IReadOnlyList<string> All => [.. _payloads];

        public override string? Serialize(object? value)
        {
            var text = inner.Serialize(value);
            if (text is not null) _payloads.Enqueue(text);
            return text;
        }

        public override object? Deserialize(string? data, Type targetType) => inner.Deserialize(data, targetType);
    }

    /// <summary>A superuser that can log in only with its (random) password; dropped with the databases it owns.</summary>
    private sealed class PasswordRole : IAsyncDisposable
    {
        private PasswordRole(string name, string password)
        {
            Name = name;
            Password = password;
        }

        public string Name { get; }

        public string Password { get; }

        public static async Task<PasswordRole> CreateAsync()
        {
            var role = new PasswordRole("bf_pw_" + Guid.NewGuid().ToString("N")[..10], "pw-" + Guid.NewGuid().ToString("N"));
            TestSecrets.Register(role.Password);
            await ExecAsync($"CREATE ROLE {role.Name} LOGIN SUPERUSER PASSWORD '{role.Password}'");
            return role;
        }

        public string ConnectionStringWithoutPassword(string database) =>
            new NpgsqlConnectionStringBuilder { Host = TestServices.PgHost, Port = TestServices.PgPort, Username = Name, Database = database }.ConnectionString;

        /// <summary>A .pgpass file (mode 0600, as libpq requires) with this role's line.</summary>
        public string WritePassFile(string directory)
        {
            var path = Path.Combine(directory, $"pgpass-{Name}");
            File.WriteAllText(path, $"{TestServices.PgHost}:{TestServices.PgPort}:*:{Name}:{Password}\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return path;
        }

        public Task DropDatabaseAsync(string database) => ExecAsync($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");

        public async ValueTask DisposeAsync()
        {
            try
            {
                await ExecAsync($"REASSIGN OWNED BY {Name} TO {TestServices.PgUser}");
                await ExecAsync($"DROP ROLE IF EXISTS {Name}");
            }
            catch (PostgresException)
            {
                // It still owns a database a failed test left behind; the fixture drops those, and a stray role harms nothing.
            }
        }

        private static async Task ExecAsync(string sql)
        {
            await using var conn = new NpgsqlConnection(TestServices.PgConnectionString());
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(sql, conn);
            await cmd.ExecuteNonQueryAsync();
        }
    }
}
