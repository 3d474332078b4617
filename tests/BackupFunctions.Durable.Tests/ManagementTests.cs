namespace BackupFunctions.Durable.Tests;

/// <summary>The client's control surface: terminate, suspend/resume, purge, query, dedupe, limits.</summary>
public sealed class ManagementTests(DatabaseFixture fx) : IClassFixture<DatabaseFixture>
{
    private static void Register(DurableTaskRegistry r) => r
        .AddActivityFunc<int, string>("Big", (_, n) => Task.FromResult(new string('x', n)))
        .AddOrchestratorFunc<string, string>("Quick", (_, s) => Task.FromResult(s))
        .AddOrchestratorFunc<int, string>("CallBig", async (ctx, n) => await ctx.CallActivityAsync<string>("Big", n))
        .AddOrchestratorFunc<string, string>("Waiter", async (ctx, _) => await ctx.WaitForExternalEvent<string>("Go"))
        .AddOrchestratorFunc<string, string>("Parent", async (ctx, _) =>
            await ctx.CallSubOrchestratorAsync<string>("Waiter", null, new SubOrchestrationOptions(InstanceId: ctx.InstanceId + "-child")));

    [Fact]
    public async Task Terminate_ends_a_waiting_instance_with_the_given_output()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register);
        var id = await h.Client.ScheduleNewOrchestrationInstanceAsync("Waiter");
        await h.Client.WaitForInstanceStartAsync(id);
        await h.Client.TerminateInstanceAsync(id, "stopped by test");
        var done = await h.WaitAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, done.RuntimeStatus);
        Assert.Equal("stopped by test", done.ReadOutputAs<string>());
        Assert.Contains(await h.Client.GetHistoryAsync(id), e => e.EventType == HistoryEventType.ExecutionTerminated);
        await Assert.ThrowsAsync<OrchestrationNotFoundException>(() => h.Client.TerminateInstanceAsync("nope"));
    }

    [Fact]
    public async Task Recursive_terminate_reaches_sub_orchestrations()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register);
        var id = await h.Client.ScheduleNewOrchestrationInstanceAsync("Parent");
        await DurableHarness.Eventually(async () => (await h.Client.GetInstanceAsync(id + "-child"))?.RuntimeStatus == OrchestrationRuntimeStatus.Running, what: "child running");
        await h.Client.TerminateInstanceAsync(id, new TerminateInstanceOptions("bye", Recursive: true));
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await h.WaitAsync(id)).RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await h.WaitAsync(id + "-child")).RuntimeStatus);
    }

    [Fact]
    public async Task Suspended_instances_keep_events_queued_until_resumed_and_terminate_bypasses_suspension()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register);
        var id = await h.Client.ScheduleNewOrchestrationInstanceAsync("Waiter");
        await h.Client.WaitForInstanceStartAsync(id);
        await h.Client.SuspendInstanceAsync(id, "maintenance");
        await DurableHarness.Eventually(async () => (await h.Client.GetInstanceAsync(id))!.RuntimeStatus == OrchestrationRuntimeStatus.Suspended, what: "suspended");
        await h.Client.RaiseEventAsync(id, "Go", "later");
        await Task.Delay(700);
        Assert.Equal(OrchestrationRuntimeStatus.Suspended, (await h.Client.GetInstanceAsync(id))!.RuntimeStatus);
        Assert.Equal(1, await h.CountAsync($"messages WHERE instance_id = '{id}' AND event_type = 'EventRaised'"));

        await h.Client.ResumeInstanceAsync(id, "done");
        var done = await h.WaitAsync(id);
        Assert.Equal("later", done.ReadOutputAs<string>());
        var types = (await h.Client.GetHistoryAsync(id)).Select(e => e.EventType).ToList();
        Assert.True(types.IndexOf(HistoryEventType.ExecutionSuspended) < types.IndexOf(HistoryEventType.ExecutionResumed));

        var id2 = await h.Client.ScheduleNewOrchestrationInstanceAsync("Waiter");
        await h.Client.WaitForInstanceStartAsync(id2);
        await h.Client.SuspendInstanceAsync(id2);
        await DurableHarness.Eventually(async () => (await h.Client.GetInstanceAsync(id2))!.RuntimeStatus == OrchestrationRuntimeStatus.Suspended, what: "suspended");
        await h.Client.TerminateInstanceAsync(id2);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await h.WaitAsync(id2)).RuntimeStatus);
    }

    [Fact]
    public async Task A_second_start_with_the_same_id_is_refused_or_ignored_and_a_finished_one_restarts()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register);
        const string id = "singleton-nightly";
        await h.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", null, new StartOrchestrationOptions(id));
        var ex = await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() =>
            h.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", null, new StartOrchestrationOptions(id)));
        Assert.Equal(id, ex.InstanceId);
        Assert.Equal(id, await h.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", null,
            new StartOrchestrationOptions(id) { IfExists = OrchestrationConflictAction.Ignore }));

        // Concurrent starts: exactly one wins.
        const string raced = "raced";
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            try
            {
                await h.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", null, new StartOrchestrationOptions(raced));
                return true;
            }
            catch (OrchestrationAlreadyExistsException)
            {
                return false;
            }
        }));
        Assert.Equal(1, results.Count(r => r));

        await h.Client.RaiseEventAsync(id, "Go", "one");
        Assert.Equal("one", (await h.WaitAsync(id)).ReadOutputAs<string>());
        await h.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", null, new StartOrchestrationOptions(id));
        await h.Client.RaiseEventAsync(id, "Go", "two");
        Assert.Equal("two", (await h.WaitAsync(id)).ReadOutputAs<string>());
    }

    [Fact]
    public async Task Query_pages_filters_and_purges_single_and_by_range()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register);
        var ids = new List<string>();
        for (var i = 0; i < 23; i++)
        {
            ids.Add(await h.Client.ScheduleNewOrchestrationInstanceAsync("Quick", $"v{i}", new StartOrchestrationOptions($"q-{i:D2}")));
        }

        var waiting = await h.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", null, new StartOrchestrationOptions("w-1"));
        foreach (var id in ids)
        {
            await h.WaitAsync(id);
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await h.Client.QueryInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "q-", PageSize = 10, ContinuationToken = token });
            seen.AddRange(page.Items.Select(m => m.InstanceId));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);
        Assert.Equal(3, pages);
        Assert.Equal(ids.OrderBy(x => x), seen.OrderBy(x => x));
        Assert.Equal(seen.Count, seen.Distinct().Count());

        var running = await h.Client.QueryInstancesAsync(new OrchestrationQuery
        {
            Statuses = [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending],
        });
        Assert.Equal(waiting, Assert.Single(running.Items).InstanceId);
        var withInputs = await h.Client.QueryInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "q-00", FetchInputsAndOutputs = true });
        Assert.Equal("\"v0\"", Assert.Single(withInputs.Items).SerializedOutput);

        Assert.Equal(1, (await h.Client.PurgeInstanceAsync(ids[0])).PurgedInstanceCount);
        Assert.Null(await h.Client.GetInstanceAsync(ids[0]));
        Assert.Equal(0, (await h.Client.PurgeInstanceAsync(waiting)).PurgedInstanceCount); // still running

        var purged = await h.Client.PurgeInstancesAsync(new PurgeInstancesFilter(
            CreatedFrom: DateTimeOffset.UtcNow.AddHours(-1), CreatedTo: DateTimeOffset.UtcNow.AddHours(1),
            Statuses: [OrchestrationRuntimeStatus.Completed]));
        Assert.Equal(22, purged.PurgedInstanceCount);
        Assert.Equal(0, await h.CountAsync("history WHERE instance_id LIKE 'q-%'"));
        Assert.NotNull(await h.Client.GetInstanceAsync(waiting));
        Assert.Equal(1, await h.CountAsync("instances"));
    }

    [Fact]
    public async Task Payloads_above_the_limit_are_refused_with_a_clear_error()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register, o => o.MaxPayloadBytes = 10_000);
        var ex = await Assert.ThrowsAsync<PayloadTooLargeException>(() =>
            h.Client.ScheduleNewOrchestrationInstanceAsync("Quick", new string('y', 20_000)));
        Assert.Contains("MaxPayloadBytes", ex.Message);
        Assert.Contains("reference", ex.Message);

        var done = await h.RunAsync("CallBig", 20_000);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Equal(typeof(PayloadTooLargeException).FullName, done.FailureDetails!.InnerFailure!.ErrorType);
        Assert.True(done.FailureDetails.InnerFailure.IsNonRetriable);
    }
}
