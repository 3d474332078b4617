using System.Collections.Concurrent;
using System.Diagnostics;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Telemetry;
using BackupFunctions.Workflows.Tests.Orchestrations;
using Microsoft.DurableTask.Client;

namespace BackupFunctions.Workflows.Tests.Telemetry;

/// <summary>
/// Every activity span of one orchestration is in one trace, and another orchestration's in another, on the real engine:
/// with the SDK's own spans recorded (its W3C context, carried from the orchestration to its activities) and without
/// (the orchestration's deterministic root).
/// </summary>
[Collection(nameof(OrchestrationTraceTests))] // ActivityListeners are process-wide: these two must not see each other's spans.
public sealed class OrchestrationTraceTests
{
    [Fact]
    public async Task With_the_engines_spans_recorded_activity_spans_join_the_orchestrations_propagated_trace()
    {
        var spans = await RunTwoAsync(s => s == BackupTelemetry.ActivitySourceName || s == BackupTelemetry.DurableTaskSourceName);

        var (first, second) = AssertOneTraceEach(spans);
        // The engine carried the trace: its orchestration span is in the same trace, and our spans are children of its activity spans.
        var engine = spans.All.Where(s => s.Source.Name == BackupTelemetry.DurableTaskSourceName).ToList();
        Assert.Contains(engine, s => s.DisplayName.StartsWith("orchestration:", StringComparison.Ordinal) && s.TraceId == first);
        Assert.Contains(engine, s => s.DisplayName.StartsWith("orchestration:", StringComparison.Ordinal) && s.TraceId == second);
        var engineSpanIds = engine.Select(s => s.SpanId).ToHashSet();
        Assert.All(spans.Ours(spans.First), s => Assert.Contains(s.ParentSpanId, engineSpanIds));
    }

    [Fact]
    public async Task Without_the_engines_spans_each_orchestration_gets_its_deterministic_trace()
    {
        var spans = await RunTwoAsync(s => s == BackupTelemetry.ActivitySourceName);

        var (first, second) = AssertOneTraceEach(spans);
        Assert.Equal(BackupTelemetry.TraceIdOf(spans.First), first.ToHexString());
        Assert.Equal(BackupTelemetry.TraceIdOf(spans.Second), second.ToHexString());
        Assert.All(spans.Ours(spans.First), s => Assert.Equal(BackupTelemetry.OrchestrationRoot(spans.First).SpanId, s.ParentSpanId));
    }

    private static (ActivityTraceId First, ActivityTraceId Second) AssertOneTraceEach(Recorded spans)
    {
        // Each run called PlanIntegrityCheck, CheckSchedules and CheckTargetUsage: three spans, one trace.
        Assert.Equal(3, spans.Ours(spans.First).Count);
        Assert.Equal(3, spans.Ours(spans.Second).Count);
        var first = Assert.Single(spans.Ours(spans.First).Select(s => s.TraceId).Distinct());
        var second = Assert.Single(spans.Ours(spans.Second).Select(s => s.TraceId).Distinct());
        Assert.NotEqual(first, second);
        return (first, second);
    }

    private static async Task<Recorded> RunTwoAsync(Func<string, bool> sources)
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => sources(s.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await using var engine = await EngineHarness.StartAsync(new BackupFunctionsOptions());
        var first = await engine.RunAsync(OrchestrationNames.VerifyIntegrity, new VerifyIntegrityRequest());
        var second = await engine.RunAsync(OrchestrationNames.VerifyIntegrity, new VerifyIntegrityRequest());
        Assert.Equal(OrchestrationRuntimeStatus.Completed, first.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, second.RuntimeStatus);
        return new Recorded(spans.ToList(), first.InstanceId, second.InstanceId);
    }

    private sealed record Recorded(IReadOnlyList<Activity> All, string First, string Second)
    {
        public IReadOnlyList<Activity> Ours(string instanceId) => All
            .Where(s => s.Source.Name == BackupTelemetry.ActivitySourceName && (string?)s.GetTagItem(BackupTelemetry.InstanceIdTag) == instanceId)
            .ToList();
    }
}
