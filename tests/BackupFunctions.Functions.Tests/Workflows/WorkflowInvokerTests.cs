using BackupFunctions.Functions.Tests.Support;
using BackupFunctions.Functions.Workflows;
using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Functions.Tests.Workflows;

public sealed class WorkflowInvokerTests
{
    private static IServiceProvider Services(ActivityOptions? options = null) => new ServiceCollection()
        .AddSingleton(new ActivityLimits(options ?? new ActivityOptions()))
        .BuildServiceProvider();

    [Fact]
    public async Task An_activity_runs_under_its_function_name_for_the_calling_instance()
    {
        var context = new FakeFunctionContext("EchoActivity", Services(), new Dictionary<string, object?> { ["instanceId"] = "schedule:fullbackup:20260301T020000Z" });

        var output = await WorkflowInvoker.RunActivityAsync<EchoActivity, string, string>("hello", context);

        Assert.Equal("EchoActivity|schedule:fullbackup:20260301T020000Z|hello", output);
    }

    [Fact]
    public async Task Without_an_instance_id_in_the_binding_data_the_invocation_id_stands_in()
    {
        var context = new FakeFunctionContext("EchoActivity", Services(), new Dictionary<string, object?>());

        var output = await WorkflowInvoker.RunActivityAsync<EchoActivity, string, string>("x", context);

        Assert.Equal("EchoActivity|invocation-1|x", output);
    }

    [Fact]
    public async Task The_activity_deadline_of_the_function_name_applies()
    {
        var options = new ActivityOptions { Timeouts = { ["HangingActivity"] = TimeSpan.FromMilliseconds(100) } };
        var context = new FakeFunctionContext("HangingActivity", Services(options), new Dictionary<string, object?> { ["instanceId"] = "i" });

        await Assert.ThrowsAsync<ActivityTimedOutException>(() => WorkflowInvoker.RunActivityAsync<HangingActivity, string, string>("x", context));
    }

    private sealed class EchoActivity(ActivityLimits limits) : BoundedActivity<string, string>(limits)
    {
        protected override Task<string> RunAsync(ActivityRun context, string input) => Task.FromResult($"{context.Name}|{context.InstanceId}|{input}");
    }

    private sealed class HangingActivity(ActivityLimits limits) : BoundedActivity<string, string>(limits)
    {
        protected override async Task<string> RunAsync(ActivityRun context, string input)
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
            return input;
        }
    }
}
