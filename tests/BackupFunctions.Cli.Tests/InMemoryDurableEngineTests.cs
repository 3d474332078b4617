using System.Text.Json;
using BackupFunctions.Cli.Engine;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackupFunctions.Cli.Tests;

/// <summary>
/// The engine backupctl dr runs on: the Durable Task Framework's in-memory orchestration service
/// behind its gRPC sidecar, with the real worker and client, in this process.
/// </summary>
public sealed class InMemoryDurableEngineTests
{
    public sealed record Payload(string DisplayName, int RetryCount);

    public sealed record SuffixSettings(string Mark);

    /// <summary>An activity with a constructor dependency: activities get the services the command registers.</summary>
    public sealed class SuffixActivity(SuffixSettings settings) : TaskActivity<string, string>
    {
        public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult(" " + input + settings.Mark);
    }

    [Fact]
    public async Task Worker_and_client_exchange_inputs_custom_status_events_and_outputs_as_web_json()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var engine = await InMemoryDurableEngine.StartAsync(
            tasks => tasks
                .AddOrchestratorFunc<Payload, Payload>("Echo", async (context, input) =>
                {
                    context.SetCustomStatus(input);
                    // DrCommand raises Approve with an anonymous { by }; the orchestrator reads "by".
                    var approval = await context.WaitForExternalEvent<JsonElement>("Approve");
                    var suffix = await context.CallActivityAsync<string>(nameof(SuffixActivity), approval.GetProperty("by").GetString());
                    return input with { DisplayName = input.DisplayName + suffix };
                })
                .AddActivity<SuffixActivity>(),
            services => services.AddSingleton(new SuffixSettings("!")),
            NullLoggerFactory.Instance,
            timeout.Token);

        var id = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Echo", new Payload("a", 1), timeout.Token);
        OrchestrationMetadata? running;
        do
        {
            await Task.Delay(50, timeout.Token);
            running = await engine.Client.GetInstanceAsync(id, getInputsAndOutputs: true, timeout.Token);
        }
        while (running?.SerializedCustomStatus is null);

        Assert.Equal("""{"displayName":"a","retryCount":1}""", running.SerializedInput);
        Assert.Equal("""{"displayName":"a","retryCount":1}""", running.SerializedCustomStatus);
        Assert.Equal(new Payload("a", 1), running.ReadCustomStatusAs<Payload>());

        await engine.Client.RaiseEventAsync(id, "Approve", new { by = "ops" }, timeout.Token);
        var done = await engine.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("""{"displayName":"a ops!","retryCount":1}""", done.SerializedOutput);
        Assert.Equal(new Payload("a ops!", 1), done.ReadOutputAs<Payload>());
    }

    [Fact]
    public async Task A_run_waiting_for_an_event_ends_Terminated_when_terminated()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var engine = await InMemoryDurableEngine.StartAsync(
            tasks => tasks.AddOrchestratorFunc<object?, string>("Wait", async (context, _) =>
            {
                await context.WaitForExternalEvent<JsonElement?>("Approve", TimeSpan.FromHours(24));
                return "approved";
            }),
            _ => { },
            NullLoggerFactory.Instance,
            timeout.Token);

        var id = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Wait", timeout.Token);
        await engine.Client.WaitForInstanceStartAsync(id, timeout.Token);
        await engine.Client.TerminateInstanceAsync(id, "not approved by the operator", timeout.Token);
        var done = await engine.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, done.RuntimeStatus);
        Assert.Equal("\"not approved by the operator\"", done.SerializedOutput);
    }

    [Fact]
    public async Task Two_engines_at_once_each_get_a_port_of_their_own()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        Task<InMemoryDurableEngine> Start() => InMemoryDurableEngine.StartAsync(
            tasks => tasks.AddOrchestratorFunc<int, int>("Double", (_, n) => n * 2), _ => { }, NullLoggerFactory.Instance, timeout.Token);
        await using var one = await Start();
        await using var two = await Start();

        var a = await one.Client.ScheduleNewOrchestrationInstanceAsync("Double", 2, timeout.Token);
        var b = await two.Client.ScheduleNewOrchestrationInstanceAsync("Double", 5, timeout.Token);

        Assert.Equal(4, (await one.Client.WaitForInstanceCompletionAsync(a, getInputsAndOutputs: true, timeout.Token)).ReadOutputAs<int>());
        Assert.Equal(10, (await two.Client.WaitForInstanceCompletionAsync(b, getInputsAndOutputs: true, timeout.Token)).ReadOutputAs<int>());
        // Separate state: neither engine knows the other's instance.
        Assert.Null(await one.Client.GetInstanceAsync(b, cancellation: timeout.Token));
    }
}
