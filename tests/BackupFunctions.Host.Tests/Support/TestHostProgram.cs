using Microsoft.DurableTask;
using BackupFunctions.Host.Hosting;
using BackupFunctions.Workflows.Orchestrations;
using Microsoft.AspNetCore.Builder;
using Npgsql;

namespace BackupFunctions.Host.Tests.Support;

/// <summary>
/// This test assembly run as a program: <c>dotnet BackupFunctions.Host.Tests.dll --test-host</c> starts the real host
/// (HostApp.Build, settings from the environment) with <see cref="RunRecorder"/> standing in for the retention
/// orchestration. The multi-process timer test starts it twice. The test runner never calls Main.
/// </summary>
public static class TestHostProgram
{
    public const string Flag = "--test-host";

    public static async Task<int> Main(string[] args)
    {
        if (!args.Contains(Flag))
        {
            await Console.Error.WriteLineAsync($"This is a test assembly; run it with {Flag} to start a test host.");
            return 2;
        }

        try
        {
            await using var app = HostApp.Build(args.Where(a => a != Flag).ToArray(),
                b => b.Services.AddDurableRegistration(RunRecorder.Register));
            await app.RunAsync();
            return 0;
        }
        catch (HostStartupException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }
    }
}

/// <summary>
/// Registered as the retention orchestration: records each execution as a row (instance id, a per-execution guid,
/// the process id) in the control database, so a test can count how often each due time really ran.
/// </summary>
public static class RunRecorder
{
    public const string Table = "host_test_runs";

    public static void Register(DurableTaskRegistry registry)
    {
        var connectionString = Environment.GetEnvironmentVariable("BackupFunctions__Control__ConnectionString")!;
        registry
            .AddOrchestratorFunc<object?, string>(OrchestrationNames.Retention, async (ctx, _) =>
            {
                // NewGuid is per execution and replay-stable: an activity retry records the same run, a re-run another.
                var run = ctx.NewGuid().ToString();
                await ctx.CallActivityAsync<int>("RecordRun", run);
                return run;
            })
            .AddActivityFunc<string, int>("RecordRun", async (ctx, run) =>
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(
                    $"INSERT INTO {Table} (instance_id, run_id, pid) VALUES (@i, @r, @p) ON CONFLICT DO NOTHING", connection);
                command.Parameters.AddWithValue("i", ctx.InstanceId);
                command.Parameters.AddWithValue("r", run);
                command.Parameters.AddWithValue("p", Environment.ProcessId);
                return await command.ExecuteNonQueryAsync();
            });
    }
}
