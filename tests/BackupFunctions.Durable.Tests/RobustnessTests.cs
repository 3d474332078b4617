using BackupFunctions.Durable.Store.Postgres;

namespace BackupFunctions.Durable.Tests;

/// <summary>Failure paths: changed code, poison, lease expiry, shutdown, hub isolation.</summary>
public sealed class RobustnessTests(DatabaseFixture fx) : IClassFixture<DatabaseFixture>
{
    private volatile bool _useNewCode;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _hangingRuns;

    private void Register(DurableTaskRegistry r) => r
        .AddActivityFunc<string, string>("A", (_, s) => Task.FromResult(s))
        .AddActivityFunc<string, string>("B", (_, s) => Task.FromResult(s))
        .AddActivityFunc<string, string>("Hang", async (ctx, s) =>
        {
            // The first run hangs and ignores cancellation, like a stuck process; later runs finish.
            if (Interlocked.Increment(ref _hangingRuns) == 1)
            {
                await _release.Task;
            }

            return s + ":done";
        })
        .AddActivityFunc<string, string>("Polite", async (ctx, s) =>
        {
            Interlocked.Increment(ref _hangingRuns);
            await Task.Delay(Timeout.Infinite, ctx.CancellationToken);
            return s;
        })
        .AddOrchestratorFunc<string, string>("Evolving", async (ctx, _) =>
        {
            await ctx.CallActivityAsync<string>(_useNewCode ? "B" : "A", "x");
            return await ctx.WaitForExternalEvent<string>("Go");
        })
        .AddOrchestratorFunc<string, string>("CallsHang", async (ctx, s) => await ctx.CallActivityAsync<string>("Hang", s))
        .AddOrchestratorFunc<string, string>("CallsPolite", async (ctx, s) => await ctx.CallActivityAsync<string>("Polite", s))
        .AddOrchestratorFunc<string, string>("Waiter", async (ctx, _) => await ctx.WaitForExternalEvent<string>("Go"));

    [Fact]
    public async Task Changed_orchestrator_code_fails_the_instance_with_a_non_determinism_message()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register);
        var id = await h.Client.ScheduleNewOrchestrationInstanceAsync("Evolving");
        await DurableHarness.Eventually(async () =>
            (await h.Client.GetHistoryAsync(id)).Any(e => e.EventType == HistoryEventType.TaskCompleted), what: "first activity done");
        _useNewCode = true;
        await h.Client.RaiseEventAsync(id, "Go", "now");
        var done = await h.WaitAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Equal(typeof(NonDeterministicOrchestrationException).FullName, done.FailureDetails!.ErrorType);
        Assert.Contains("TaskScheduled #0 'A'", done.FailureDetails.ErrorMessage);
        Assert.Contains("CallActivityAsync(\"B\")", done.FailureDetails.ErrorMessage);
    }

    [Fact]
    public async Task A_message_that_always_breaks_the_step_fails_the_instance_as_poison()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register);
        var id = await h.Client.ScheduleNewOrchestrationInstanceAsync("Waiter");
        await h.Client.WaitForInstanceStartAsync(id);
        await h.Db.ExecuteAsync(
            $"INSERT INTO {h.Schema}.messages (instance_id, event_type, data) VALUES ('{id}', 'EventRaised', '{{\"EventType\": \"NoSuchEvent\"}}')");
        await h.Client.RaiseEventAsync(id, "Ping", "wake");
        var done = await h.WaitAsync(id, 60);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Equal("PoisonMessage", done.FailureDetails!.ErrorType);
        Assert.Contains("cannot be read", done.FailureDetails.ErrorMessage);
        Assert.Equal(0, await h.CountAsync($"messages WHERE instance_id = '{id}'"));
    }

    [Fact]
    public async Task A_stuck_worker_loses_its_lease_and_another_worker_finishes_the_work()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register, startWorker: false);
        var first = await h.AddWorkerAsync("worker-a");
        var id = await h.Client.ScheduleNewOrchestrationInstanceAsync("CallsHang", "job");
        await DurableHarness.Eventually(async () => await h.CountAsync("tasks WHERE locked_by = 'worker-a'") == 1, what: "task locked by a");

        await first.SimulateCrashAsync(); // stops renewing; the activity stays stuck
        await h.AddWorkerAsync("worker-b");
        var done = await h.WaitAsync(id, 60);
        Assert.Equal("job:done", done.ReadOutputAs<string>());
        _release.TrySetResult();

        var history = await h.Client.GetHistoryAsync(id);
        Assert.Single(history, e => e.EventType == HistoryEventType.TaskCompleted);
        Assert.Equal(0, await h.CountAsync("tasks"));
        Assert.Equal(0, await h.CountAsync("instances WHERE locked_by IS NOT NULL"));
    }

    [Fact]
    public async Task A_result_from_a_worker_that_lost_its_lease_is_not_applied()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register, startWorker: false);
        var id = await h.Client.ScheduleNewOrchestrationInstanceAsync("CallsPolite", "x");
        await using var store = new PostgresStore(h.NewOptions());
        // Run the first step by hand so the task exists without any worker running it.
        var worker = await h.AddWorkerAsync("stepper");
        await DurableHarness.Eventually(async () => await h.CountAsync("tasks WHERE locked_by = 'stepper'") == 1, what: "task created");
        await worker.SimulateCrashAsync();

        var stolen = await Retry(() => store.LockTasksAsync("thief", TimeSpan.FromSeconds(30), 10, CancellationToken.None));
        var task = Assert.Single(stolen);
        var completion = new ActivityCompletion(task.Id, new HistoryEvent { EventType = HistoryEventType.TaskCompleted, TaskScheduledId = task.EventId, Result = "\"late\"" });
        Assert.Equal(0, await store.CompleteTasksAsync("stepper", [completion], CancellationToken.None));
        Assert.Equal(1, await store.CompleteTasksAsync("thief", [completion], CancellationToken.None));
        Assert.Equal(0, await store.CompleteTasksAsync("thief", [completion], CancellationToken.None));
        Assert.Equal(1, await h.CountAsync($"messages WHERE instance_id = '{id}' AND event_type = 'TaskCompleted'"));
    }

    [Fact]
    public async Task Graceful_shutdown_cancels_activities_and_releases_leases_for_the_next_worker()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register, o => o.LeaseTime = TimeSpan.FromSeconds(60), startWorker: false);
        var first = await h.AddWorkerAsync("polite-a");
        var id = await h.Client.ScheduleNewOrchestrationInstanceAsync("CallsPolite", "x");
        await DurableHarness.Eventually(async () => await h.CountAsync("tasks WHERE locked_by = 'polite-a'") == 1, what: "task running");
        await first.StopAsync(CancellationToken.None);
        Assert.Equal(0, await h.CountAsync("tasks WHERE locked_by IS NOT NULL"));
        Assert.Equal(0, await h.CountAsync("instances WHERE locked_by IS NOT NULL"));
        var runsBefore = _hangingRuns;
        await h.AddWorkerAsync("polite-b");
        // With a 60 s lease, only the release lets b start the task this quickly.
        await DurableHarness.Eventually(async () => await h.CountAsync("tasks WHERE locked_by = 'polite-b'") == 1, 20, "taken over by b");
        Assert.True(_hangingRuns > runsBefore);
        await h.Client.TerminateInstanceAsync(id);
    }

    [Fact]
    public async Task Task_hubs_in_one_database_do_not_see_each_other_and_the_schema_is_versioned()
    {
        await using var a = await DurableHarness.StartAsync(fx.Db, Register);
        await using var b = await DurableHarness.StartAsync(fx.Db, Register);
        var id = await a.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", null, new StartOrchestrationOptions("shared-id"));
        Assert.Null(await b.Client.GetInstanceAsync(id));
        await b.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", null, new StartOrchestrationOptions("shared-id"));
        await b.Client.RaiseEventAsync(id, "Go", "b");
        Assert.Equal("b", (await b.WaitAsync(id)).ReadOutputAs<string>());
        Assert.NotEqual(OrchestrationRuntimeStatus.Completed, (await a.Client.GetInstanceAsync(id))!.RuntimeStatus);
        Assert.Equal(PostgresSchema.CurrentVersion, await a.Db.ScalarAsync<int>($"SELECT max(version) FROM {a.Schema}.schema_version"));

        await using var store = new PostgresStore(a.NewOptions());
        await store.EnsureSchemaAsync(CancellationToken.None); // idempotent
        Assert.Equal(1, await a.Db.ScalarAsync<long>($"SELECT count(*) FROM {a.Schema}.schema_version"));
        Assert.Throws<InvalidOperationException>(() => new PostgresStore(new DurableTaskOptions { ConnectionString = "Host=x", TaskHubName = "bad-name;" }));
    }

    private static async Task<List<ActivityWorkItem>> Retry(Func<Task<List<ActivityWorkItem>>> f)
    {
        for (var i = 0; i < 100; i++)
        {
            var r = await f();
            if (r.Count > 0)
            {
                return r;
            }

            await Task.Delay(100);
        }

        return [];
    }
}
