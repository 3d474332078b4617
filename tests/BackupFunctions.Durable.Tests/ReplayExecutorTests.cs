using BackupFunctions.Durable.Worker.Execution;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Durable.Tests;

/// <summary>The replay executor on recorded histories, with no database.</summary>
public sealed class ReplayExecutorTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private sealed class TwoSteps(string second) : TaskOrchestrator<string, string>
    {
        public override async Task<string> RunAsync(TaskOrchestrationContext ctx, string input)
        {
            var a = await ctx.CallActivityAsync<string>("A", input);
            var b = await ctx.CallActivityAsync<string>(second, a);
            return b;
        }
    }

    private static ExecutionResult Run(ITaskOrchestrator o, List<HistoryEvent> past, params HistoryEvent[] fresh) =>
        new OrchestrationExecutor(o, "TwoSteps", "i1", JsonDataConverter.Default, 1 << 20, null)
            .Execute(past, [new HistoryEvent { EventType = HistoryEventType.OrchestratorStarted, Timestamp = T0.AddSeconds(past.Count) }, .. fresh]);

    private static HistoryEvent Started => new() { EventType = HistoryEventType.ExecutionStarted, Name = "TwoSteps", Input = "\"in\"", Timestamp = T0 };

    [Fact]
    public void Replaying_a_recorded_history_gives_the_same_actions_and_result()
    {
        var history = new List<HistoryEvent>();
        var r1 = Run(new TwoSteps("B"), history, Started);
        Assert.Single(r1.NewActions);
        Assert.Equal("A", r1.NewActions[0].Name);
        history.AddRange(r1.NewHistory);

        var r2 = Run(new TwoSteps("B"), history, new HistoryEvent { EventType = HistoryEventType.TaskCompleted, TaskScheduledId = 0, Result = "\"a\"" });
        Assert.Equal("B", Assert.Single(r2.NewActions).Name);
        Assert.Null(r2.Completion);
        history.AddRange(r2.NewHistory);

        var r3 = Run(new TwoSteps("B"), history, new HistoryEvent { EventType = HistoryEventType.TaskCompleted, TaskScheduledId = 1, Result = "\"b\"" });
        Assert.Empty(r3.NewActions);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, r3.Completion);
        Assert.Equal("\"b\"", r3.Output);
    }

    [Fact]
    public void A_duplicate_completion_is_ignored_and_not_recorded()
    {
        var history = new List<HistoryEvent>();
        history.AddRange(Run(new TwoSteps("B"), history, Started).NewHistory);
        var done = new HistoryEvent { EventType = HistoryEventType.TaskCompleted, TaskScheduledId = 0, Result = "\"a\"" };
        history.AddRange(Run(new TwoSteps("B"), history, done).NewHistory);
        var again = Run(new TwoSteps("B"), history, done);
        Assert.DoesNotContain(again.NewHistory, e => e.EventType == HistoryEventType.TaskCompleted);
        Assert.Empty(again.NewActions);
    }

    [Fact]
    public void Changed_code_is_reported_as_non_determinism_naming_event_and_action()
    {
        var history = new List<HistoryEvent>();
        history.AddRange(Run(new TwoSteps("B"), history, Started).NewHistory);
        history.AddRange(Run(new TwoSteps("B"), history, new HistoryEvent { EventType = HistoryEventType.TaskCompleted, TaskScheduledId = 0, Result = "\"a\"" }).NewHistory);

        var r = Run(new TwoSteps("C"), history, new HistoryEvent { EventType = HistoryEventType.TaskCompleted, TaskScheduledId = 1, Result = "\"b\"" });
        Assert.Equal(OrchestrationRuntimeStatus.Failed, r.Completion);
        Assert.Contains("TaskScheduled #1 'B'", r.Failure!.ErrorMessage);
        Assert.Contains("CallActivityAsync(\"C\")", r.Failure.ErrorMessage);
    }

    private sealed class Logging : TaskOrchestrator<string, string>
    {
        public override async Task<string> RunAsync(TaskOrchestrationContext ctx, string input)
        {
            var log = ctx.CreateReplaySafeLogger("test");
            log.LogInformation("before A");
            await ctx.CallActivityAsync<string>("A", input);
            log.LogInformation("before B");
            await ctx.CallActivityAsync<string>("B", input);
            log.LogInformation("done");
            return "ok";
        }
    }

    private sealed class ListLogger(List<string> lines) : ILogger, ILoggerProvider
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Add(formatter(state, exception));

        public ILogger CreateLogger(string categoryName) => this;

        public void Dispose()
        {
        }
    }

    [Fact]
    public void The_replay_safe_logger_writes_each_line_once_across_replays()
    {
        var lines = new List<string>();
        using var factory = LoggerFactory.Create(b => b.AddProvider(new ListLogger(lines)));
        var history = new List<HistoryEvent>();
        ExecutionResult Step(params HistoryEvent[] fresh)
        {
            var r = new OrchestrationExecutor(new Logging(), "Logging", "i1", JsonDataConverter.Default, 1 << 20, factory)
                .Execute(history, [new HistoryEvent { EventType = HistoryEventType.OrchestratorStarted, Timestamp = T0 }, .. fresh]);
            history.AddRange(r.NewHistory);
            return r;
        }

        Step(Started with { Name = "Logging" });
        Step(new HistoryEvent { EventType = HistoryEventType.TaskCompleted, TaskScheduledId = 0, Result = "\"a\"" });
        var last = Step(new HistoryEvent { EventType = HistoryEventType.TaskCompleted, TaskScheduledId = 1, Result = "\"b\"" });
        Assert.Equal(OrchestrationRuntimeStatus.Completed, last.Completion);
        Assert.Equal(["before A", "before B", "done"], lines);
    }

    [Fact]
    public void Retry_delays_follow_the_backoff_formula_and_cap()
    {
        var p = new RetryPolicy(5, TimeSpan.FromSeconds(1), 2.0, maxRetryInterval: TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.FromSeconds(1), p.GetDelay(1));
        Assert.Equal(TimeSpan.FromSeconds(2), p.GetDelay(2));
        Assert.Equal(TimeSpan.FromSeconds(4), p.GetDelay(3));
        Assert.Equal(TimeSpan.FromSeconds(5), p.GetDelay(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(0, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(1, TimeSpan.FromSeconds(1), 0.5));
    }

    [Fact]
    public void NewGuid_is_a_stable_version5_uuid()
    {
        var ns = Guid.Parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8"); // RFC 4122 DNS namespace
        // Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org") == 886313e1-3b8a-5372-9b90-0c9aee199e5d
        Assert.Equal(Guid.Parse("886313e1-3b8a-5372-9b90-0c9aee199e5d"), ReplayOrchestrationContext.NameBasedGuid(ns, "python.org"));
    }
}
