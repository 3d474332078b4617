using System.Collections.Concurrent;

namespace BackupFunctions.Durable.Tests;

public sealed class RetryTests(DatabaseFixture fx) : IClassFixture<DatabaseFixture>
{
    public sealed record Outcome(int Attempts, string? Error, bool NonRetriable);

    private readonly ConcurrentDictionary<string, int> _attempts = new();

    private void Register(DurableTaskRegistry r)
    {
        r.AddActivityFunc<string, string>("Flaky", (ctx, key) =>
        {
            var n = _attempts.AddOrUpdate(key, 1, (_, v) => v + 1);
            Assert.Equal(n, ctx.Attempt);
            return n < 3 ? throw new IOException($"transient {n}") : Task.FromResult($"ok after {n}");
        });
        r.AddActivityFunc<string, string>("Fatal", (_, key) =>
        {
            _attempts.AddOrUpdate(key, 1, (_, v) => v + 1);
            throw new NonRetryableTaskException("bad input, retrying cannot help");
        });
        r.AddActivityFunc<string, string>("Unhandled", (_, key) =>
        {
            _attempts.AddOrUpdate(key, 1, (_, v) => v + 1);
            throw new UnauthorizedAccessException("denied");
        });
        r.AddActivityFunc<string, int>("Resumable", async (ctx, key) =>
        {
            _attempts.AddOrUpdate(key, 1, (_, v) => v + 1);
            var from = ctx.GetLastProgress<int>();
            for (var offset = from; offset < 10; offset++)
            {
                await ctx.HeartbeatAsync(offset + 1);
                if (ctx.Attempt == 1 && offset == 4)
                {
                    throw new IOException("connection reset mid-upload");
                }
            }

            return from;
        });
        r.AddOrchestratorFunc<string, Outcome>("Retrying", async (ctx, activity) =>
        {
            var policy = new RetryPolicy(4, TimeSpan.FromMilliseconds(100), 2.0)
            {
                HandleFailure = f => !f.IsCausedBy<UnauthorizedAccessException>(),
            };
            var key = ctx.InstanceId;
            try
            {
                var s = await ctx.CallActivityAsync<string>(activity, key, TaskOptions.FromRetryPolicy(policy));
                return new Outcome(0, s, false);
            }
            catch (TaskFailedException ex)
            {
                return new Outcome(0, ex.FailureDetails.ErrorType + ": " + ex.FailureDetails.ErrorMessage, ex.FailureDetails.IsNonRetriable);
            }
        });
        r.AddOrchestratorFunc<string, int>("Resume", async (ctx, _) =>
            await ctx.CallActivityAsync<int>("Resumable", ctx.InstanceId, new TaskOptions(new RetryPolicy(2, TimeSpan.FromMilliseconds(50)))));
        r.AddOrchestratorFunc<string, string>("NoRetry", async (ctx, _) => await ctx.CallActivityAsync<string>("Flaky", ctx.InstanceId));
    }

    [Fact]
    public async Task Transient_failures_are_retried_with_durable_timers_between_attempts()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register);
        var done = await h.RunAsync("Retrying", "Flaky");
        Assert.Equal("ok after 3", done.ReadOutputAs<Outcome>()!.Error);
        Assert.Equal(3, _attempts[done.InstanceId]);
        var history = await h.Client.GetHistoryAsync(done.InstanceId);
        Assert.Equal(3, history.Count(e => e.EventType == HistoryEventType.TaskScheduled));
        var timers = history.Where(e => e.EventType == HistoryEventType.TimerCreated).ToList();
        Assert.Equal(2, timers.Count);
        // The second wait is twice the first (backoff coefficient 2).
        var waits = timers.Select(t => t.FireAt!.Value - t.Timestamp).ToList();
        Assert.Equal(100, waits[0].TotalMilliseconds, 1.0);
        Assert.Equal(200, waits[1].TotalMilliseconds, 1.0);
    }

    [Fact]
    public async Task Non_retriable_failures_stop_at_once_and_carry_the_flag()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register);
        var done = await h.RunAsync("Retrying", "Fatal");
        var outcome = done.ReadOutputAs<Outcome>()!;
        Assert.True(outcome.NonRetriable);
        Assert.Contains("bad input", outcome.Error);
        Assert.Equal(1, _attempts[done.InstanceId]);
    }

    [Fact]
    public async Task The_handle_predicate_decides_what_is_retried()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register);
        var done = await h.RunAsync("Retrying", "Unhandled");
        Assert.Contains(typeof(UnauthorizedAccessException).FullName!, done.ReadOutputAs<Outcome>()!.Error);
        Assert.Equal(1, _attempts[done.InstanceId]);
    }

    [Fact]
    public async Task Without_a_policy_the_failure_reaches_the_orchestrator_and_fails_it()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register);
        var done = await h.RunAsync("NoRetry", "");
        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Equal(typeof(TaskFailedException).FullName, done.FailureDetails!.ErrorType);
        Assert.Equal(typeof(IOException).FullName, done.FailureDetails.InnerFailure!.ErrorType);
        Assert.Contains("transient 1", done.FailureDetails.InnerFailure.ErrorMessage);
    }

    [Fact]
    public async Task A_retried_activity_resumes_from_its_last_heartbeat()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, Register);
        var done = await h.RunAsync("Resume", "");
        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ToString() + " / " + done.FailureDetails?.InnerFailure);
        Assert.Equal(5, done.ReadOutputAs<int>());
        Assert.Equal(2, _attempts[done.InstanceId]);
        Assert.Equal(0, await h.CountAsync("activity_progress"));
    }
}
