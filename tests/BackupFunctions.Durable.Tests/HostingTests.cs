using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BackupFunctions.Durable.Tests;

/// <summary>AddDurableTask in a generic host: DI into class-based units, hosted worker, activity poison.</summary>
public sealed class HostingTests(DatabaseFixture fx) : IClassFixture<DatabaseFixture>
{
    public sealed record GreetRequest(string Name);

    public sealed class Greeter
    {
        public string Greet(string name) => $"Hello, {name}";
    }

    public sealed class GreetActivity(Greeter greeter) : TaskActivity<GreetRequest, string>
    {
        public override Task<string> RunAsync(TaskActivityContext context, GreetRequest input) => Task.FromResult(greeter.Greet(input.Name));
    }

    [DurableTask("Greeting")]
    public sealed class GreetingOrchestrator : TaskOrchestrator<string, string>
    {
        public override async Task<string> RunAsync(TaskOrchestrationContext context, string input) =>
            await context.CallActivityAsync<string>(nameof(GreetActivity), new GreetRequest(input));
    }

    [Fact]
    public async Task A_generic_host_runs_class_based_units_with_injected_dependencies()
    {
        var hub = "h" + Guid.NewGuid().ToString("N")[..10];
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<Greeter>();
        builder.Services.AddDurableTask(
            o =>
            {
                o.ConnectionString = fx.Db.ConnectionString;
                o.TaskHubName = hub;
            },
            r => r.AddOrchestrator<GreetingOrchestrator>().AddActivity<GreetActivity>());
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var client = host.Services.GetRequiredService<DurableTaskClient>();
            var id = await client.ScheduleNewOrchestrationInstanceAsync("Greeting", "Ada");
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var done = await client.WaitForInstanceCompletionAsync(id, true, cts.Token);
            Assert.Equal("Hello, Ada", done.ReadOutputAs<string>());
        }
        finally
        {
            await host.StopAsync();
        }

        Assert.Equal(0L, await fx.Db.ScalarAsync<long>($"SELECT count(*) FROM durable_{hub}.tasks WHERE locked_by IS NOT NULL"));
    }

    [Fact]
    public async Task An_activity_dequeued_too_often_fails_as_poison_instead_of_looping()
    {
        var runs = 0;
        var never = new TaskCompletionSource<int>();
        await using var h = await DurableHarness.StartAsync(fx.Db, r => r
            .AddActivityFunc<int, int>("Crashy", (_, x) => Interlocked.Increment(ref runs) == 1 ? never.Task : Task.FromResult(x))
            .AddOrchestratorFunc<int, string>("CallsCrashy", async (ctx, x) =>
            {
                try
                {
                    await ctx.CallActivityAsync<int>("Crashy", x, new TaskOptions(new RetryPolicy(5, TimeSpan.FromMilliseconds(10))));
                    return "ran";
                }
                catch (TaskFailedException ex)
                {
                    return ex.FailureDetails.ErrorType + (ex.FailureDetails.IsNonRetriable ? " (non-retriable)" : "");
                }
            }), startWorker: false);
        var id = await h.Client.ScheduleNewOrchestrationInstanceAsync("CallsCrashy", 1);
        var stepper = await h.AddWorkerAsync("stepper");
        await DurableHarness.Eventually(async () => Volatile.Read(ref runs) == 1, what: "first run started");
        await stepper.SimulateCrashAsync();
        // As if three workers had each crashed while running it.
        await h.Db.ExecuteAsync($"UPDATE {h.Schema}.tasks SET dequeue_count = 3, locked_by = NULL, lock_expires = NULL");
        await h.AddWorkerAsync("next");
        var done = await h.WaitAsync(id);
        Assert.Equal("PoisonMessage (non-retriable)", done.ReadOutputAs<string>());
        Assert.Equal(1, runs); // the poison task was failed without being run again
    }
}
