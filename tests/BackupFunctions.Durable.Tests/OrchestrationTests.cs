namespace BackupFunctions.Durable.Tests;

/// <summary>Every action kind end to end on the real store, plus fan-out.</summary>
public sealed class OrchestrationTests(DatabaseFixture fx) : IClassFixture<DatabaseFixture>
{
    public sealed record AllKindsResult(int Sum, string Child, string Event, bool GuidStable, string? Status);

    private static void Register(DurableTaskRegistry r) => r
        .AddActivityFunc<int, int>("Double", (_, x) => Task.FromResult(x * 2))
        .AddActivityFunc<Guid, Guid>("EchoGuid", (_, g) => Task.FromResult(g))
        .AddOrchestratorFunc<string, string>("Child", (ctx, s) => Task.FromResult($"child:{s}:{ctx.Parent?.InstanceId}"))
        .AddOrchestratorFunc<string, string>("Receiver", async (ctx, _) => await ctx.WaitForExternalEvent<string>("Ping"))
        .AddOrchestratorFunc<string, AllKindsResult>("AllKinds", async (ctx, receiverId) =>
        {
            var g1 = ctx.NewGuid();
            var echoed = await ctx.CallActivityAsync<Guid>("EchoGuid", g1);
            var sum = await ctx.CallActivityAsync<int>("Double", 21);
            await ctx.CreateTimer(ctx.CurrentUtcDateTime.AddMilliseconds(200), CancellationToken.None);
            var child = await ctx.CallSubOrchestratorAsync<string>("Child", "x");
            ctx.SendEvent(receiverId, "ping", "hello");
            ctx.SetCustomStatus(new { stage = "waiting" });
            var ev = await ctx.WaitForExternalEvent<string>("Go");
            return new AllKindsResult(sum, child, ev, g1 == echoed, null);
        })
        .AddOrchestratorFunc<string, string>("FailingChild", (_, s) => throw new InvalidOperationException("child broke: " + s))
        .AddOrchestratorFunc<string, string>("CatchingParent", async (ctx, _) =>
        {
            try
            {
                return await ctx.CallSubOrchestratorAsync<string>("FailingChild", "y");
            }
            catch (TaskFailedException ex)
            {
                return $"{ex.TaskName}|{ex.FailureDetails.ErrorType}|{ex.FailureDetails.ErrorMessage}";
            }
        })
        .AddOrchestratorFunc<int, int>("FanOut", async (ctx, n) =>
        {
            var tasks = Enumerable.Range(1, n).Select(i => ctx.CallActivityAsync<int>("Double", i)).ToList();
            var results = await Task.WhenAll(tasks);
            return results.Sum();
        });

    [Fact]
    public async Task Every_action_kind_runs_and_replays()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register);
        var receiver = await h.Client.ScheduleNewOrchestrationInstanceAsync("Receiver", "");
        var id = await h.Client.ScheduleNewOrchestrationInstanceAsync("AllKinds", receiver);

        await DurableHarness.Eventually(async () =>
            (await h.Client.GetInstanceAsync(id, true))?.SerializedCustomStatus?.Contains("waiting") == true, what: "custom status");
        await h.Client.RaiseEventAsync(id, "go", "went");

        var done = await h.WaitAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var result = done.ReadOutputAs<AllKindsResult>()!;
        Assert.Equal(42, result.Sum);
        Assert.Equal($"child:x:{id}", result.Child);
        Assert.Equal("went", result.Event);
        Assert.True(result.GuidStable, "NewGuid must give the same value on replay");
        Assert.Contains("waiting", done.SerializedCustomStatus);

        var recv = await h.WaitAsync(receiver);
        Assert.Equal("hello", recv.ReadOutputAs<string>());

        var history = await h.Client.GetHistoryAsync(id);
        var types = history.Select(e => e.EventType).ToHashSet();
        foreach (var t in new[]
                 {
                     HistoryEventType.OrchestratorStarted, HistoryEventType.ExecutionStarted, HistoryEventType.TaskScheduled,
                     HistoryEventType.TaskCompleted, HistoryEventType.TimerCreated, HistoryEventType.TimerFired,
                     HistoryEventType.SubOrchestrationInstanceCreated, HistoryEventType.SubOrchestrationInstanceCompleted,
                     HistoryEventType.EventSent, HistoryEventType.EventRaised, HistoryEventType.OrchestratorCompleted,
                     HistoryEventType.ExecutionCompleted,
                 })
        {
            Assert.Contains(t, types);
        }

        Assert.Equal(HistoryEventType.ExecutionStarted, history[1].EventType);
        var scheduled = history.Where(e => e.EventType == HistoryEventType.TaskScheduled).Select(e => e.EventId).ToList();
        Assert.Equal(scheduled.Distinct().Count(), scheduled.Count);
        foreach (var c in history.Where(e => e.EventType == HistoryEventType.TaskCompleted))
        {
            Assert.Contains(c.TaskScheduledId!.Value, scheduled);
        }

        var fired = history.Single(e => e.EventType == HistoryEventType.TimerFired);
        Assert.Equal(history.Single(e => e.EventType == HistoryEventType.TimerCreated).EventId, fired.TimerId);
        Assert.NotNull(fired.FireAt);
        Assert.Equal(0, await h.CountAsync("tasks"));
        Assert.Equal(0, await h.CountAsync("messages WHERE instance_id = '" + id + "'"));
    }

    [Fact]
    public async Task Fan_out_of_200_activities_applies_each_result_once()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register);
        var done = await h.RunAsync("FanOut", 200);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(Enumerable.Range(1, 200).Sum() * 2, done.ReadOutputAs<int>());
        var history = await h.Client.GetHistoryAsync(done.InstanceId);
        Assert.Equal(200, history.Count(e => e.EventType == HistoryEventType.TaskScheduled));
        var completed = history.Where(e => e.EventType == HistoryEventType.TaskCompleted).GroupBy(e => e.TaskScheduledId).ToList();
        Assert.Equal(200, completed.Count);
        Assert.All(completed, g => Assert.Single(g));
    }

    [Fact]
    public async Task A_failed_sub_orchestration_surfaces_as_TaskFailedException_in_the_parent()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register);
        var done = await h.RunAsync("CatchingParent", "");
        Assert.Equal($"FailingChild|{typeof(InvalidOperationException).FullName}|child broke: y", done.ReadOutputAs<string>());
        var child = await h.Client.GetInstanceAsync(done.InstanceId + ":0000");
        Assert.Equal(OrchestrationRuntimeStatus.Failed, child!.RuntimeStatus);
        Assert.Equal(done.InstanceId, child.ParentInstanceId);
    }

    [Fact]
    public async Task A_scheduled_start_waits_for_its_time()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register);
        var at = DateTimeOffset.UtcNow.AddSeconds(1.5);
        var id = await h.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", 1, new StartOrchestrationOptions(StartAt: at));
        Assert.Equal(OrchestrationRuntimeStatus.Pending, (await h.Client.GetInstanceAsync(id))!.RuntimeStatus);
        var done = await h.WaitAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var started = (await h.Client.GetHistoryAsync(id)).First(e => e.EventType == HistoryEventType.OrchestratorStarted).Timestamp;
        Assert.True(started >= at.UtcDateTime.AddMilliseconds(-1), $"started {started:O}, scheduled {at:O}");
    }

    [Fact]
    public async Task Unknown_orchestrator_fails_with_a_clear_message()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register);
        var done = await h.RunAsync("NoSuchThing");
        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Contains("No orchestrator named 'NoSuchThing'", done.FailureDetails!.ErrorMessage);
    }

    [Fact]
    public async Task Status_is_visible_right_after_start()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register, startWorker: false);
        var id = await h.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", 1);
        var m = await h.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
        Assert.NotNull(m);
        Assert.Equal(OrchestrationRuntimeStatus.Pending, m!.RuntimeStatus);
        Assert.Equal("1", m.SerializedInput);
    }
}
