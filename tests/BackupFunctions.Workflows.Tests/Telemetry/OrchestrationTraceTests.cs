using System.Collections.Concurrent;
using System.Diagnostics;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Telemetry;
using BackupFunctions.Workflows.Tests.Orchestrations;
using Microsoft.DurableTask.Client;
using Xunit.Abstractions;

namespace BackupFunctions.Workflows.Tests.Telemetry;

/// <summary>Every activity span of one orchestration is in one trace, on the real engine; another orchestration's are in another.</summary>
public sealed class OrchestrationTraceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_activity_spans_of_one_orchestration_share_one_trace_and_another_orchestrations_differ()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await using var engine = await EngineHarness.StartAsync(new BackupFunctionsOptions());
        var first = await engine.RunAsync(OrchestrationNames.VerifyIntegrity, new VerifyIntegrityRequest());
        var second = await engine.RunAsync(OrchestrationNames.VerifyIntegrity, new VerifyIntegrityRequest());
        Assert.Equal(OrchestrationRuntimeStatus.Completed, first.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, second.RuntimeStatus);

        foreach (var s in spans)
        {
            output.WriteLine($"{s.Source.Name} | {s.DisplayName} | trace {s.TraceId} | parent {s.ParentSpanId} | {s.GetTagItem(BackupTelemetry.InstanceIdTag)}");
        }

        var ours = spans.Where(s => s.Source.Name == BackupTelemetry.ActivitySourceName).ToList();
        var traces = ours.GroupBy(s => (string)s.GetTagItem(BackupTelemetry.InstanceIdTag)!).ToDictionary(g => g.Key, g => g.Select(s => s.TraceId).Distinct().ToList());
        // Each run called PlanIntegrityCheck, CheckSchedules and CheckTargetUsage.
        Assert.Equal(3, ours.Count(s => (string)s.GetTagItem(BackupTelemetry.InstanceIdTag)! == first.InstanceId));
        var firstTrace = Assert.Single(traces[first.InstanceId]);
        var secondTrace = Assert.Single(traces[second.InstanceId]);
        Assert.NotEqual(firstTrace, secondTrace);
    }
}
