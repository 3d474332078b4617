namespace BackupFunctions.Durable.Tests;

public sealed class EventAndTimerTests(DatabaseFixture fx) : IClassFixture<DatabaseFixture>
{
    private static void Register(DurableTaskRegistry r) => r
        .AddActivityFunc<int, int>("Id", (_, x) => Task.FromResult(x))
        .AddOrchestratorFunc<int, double>("Sleep", async (ctx, ms) =>
        {
            var before = ctx.CurrentUtcDateTime;
            await ctx.CreateTimer(TimeSpan.FromMilliseconds(ms), CancellationToken.None);
            return (ctx.CurrentUtcDateTime - before).TotalMilliseconds;
        })
        .AddOrchestratorFunc<int, string>("WaitWithTimeout", async (ctx, seconds) =>
        {
            try
            {
                return await ctx.WaitForExternalEvent<string>("Approve", TimeSpan.FromSeconds(seconds));
            }
            catch (TaskCanceledException)
            {
                return "timed out";
            }
        })
        .AddOrchestratorFunc<int, string[]>("LateWaiter", async (ctx, _) =>
        {
            await ctx.CallActivityAsync<int>("Id", 1);
            await ctx.CreateTimer(TimeSpan.FromMilliseconds(300), CancellationToken.None);
            var a = await ctx.WaitForExternalEvent<string>("E");
            var b = await ctx.WaitForExternalEvent<string>("e");
            return [a, b];
        })
        .AddOrchestratorFunc<int, int>("Counter", async (ctx, count) =>
        {
            if (count >= 5)
            {
                return count;
            }

            await ctx.WaitForExternalEvent<int>("Inc");
            ctx.ContinueAsNew(count + 1);
            return -1;
        });

    [Fact]
    public async Task A_timer_fires_no_earlier_than_its_time()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register);
        var done = await h.RunAsync("Sleep", 1000);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.True(done.ReadOutputAs<double>() >= 1000, $"elapsed {done.ReadOutputAs<double>()} ms");
    }

    [Fact]
    public async Task An_event_that_arrives_before_the_timeout_wins_and_the_timer_is_cancelled()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register);
        var id = await h.Client.ScheduleNewOrchestrationInstanceAsync("WaitWithTimeout", 60);
        await h.Client.WaitForInstanceStartAsync(id);
        await h.Client.RaiseEventAsync(id, "approve", "yes");
        var done = await h.WaitAsync(id, 30);
        Assert.Equal("yes", done.ReadOutputAs<string>());
        Assert.Equal(0, await h.CountAsync($"messages WHERE instance_id = '{id}'"));
    }

    [Fact]
    public async Task The_timeout_wins_when_no_event_comes()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register);
        var done = await h.RunAsync("WaitWithTimeout", 1);
        Assert.Equal("timed out", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Events_raised_before_anyone_waits_are_buffered_in_order_and_names_ignore_case()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register);
        var id = await h.Client.ScheduleNewOrchestrationInstanceAsync("LateWaiter", 0);
        await h.Client.RaiseEventAsync(id, "e", "first");
        await h.Client.RaiseEventAsync(id, "E", "second");
        var done = await h.WaitAsync(id);
        Assert.Equal(["first", "second"], done.ReadOutputAs<string[]>()!);
    }

    [Fact]
    public async Task ContinueAsNew_loses_no_event_and_keeps_history_small()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register);
        var id = await h.Client.ScheduleNewOrchestrationInstanceAsync("Counter", 0);
        for (var i = 0; i < 5; i++)
        {
            await h.Client.RaiseEventAsync(id, "Inc", i);
        }

        var done = await h.WaitAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(5, done.ReadOutputAs<int>());
        var history = await h.Client.GetHistoryAsync(id);
        Assert.DoesNotContain(history, e => e.EventType == HistoryEventType.EventRaised);
        Assert.Equal("5", history.Single(e => e.EventType == HistoryEventType.ExecutionStarted).Input);
        Assert.Equal(1, await h.Db.ScalarAsync<long>($"SELECT count(DISTINCT execution_id) FROM {h.Schema}.history WHERE instance_id = '{id}'"));
    }
}
