using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace BackupFunctions.Workflows.Telemetry;

/// <summary>
/// The names a telemetry pipeline subscribes to (AddMeter / AddSource), and the source of one span per activity
/// execution. Both are "BackupFunctions" (docs/metrics.md).
/// </summary>
public static class BackupTelemetry
{
    public const string MeterName = "BackupFunctions";
    public const string ActivitySourceName = "BackupFunctions";

    /// <summary>The span attribute names, shared by the spans and the tests that read them.</summary>
    public const string InstanceIdTag = "durabletask.instance_id";
    public const string ActivityNameTag = "durabletask.activity";
    public const string TargetTag = "backupfunctions.target";

    /// <summary>The Durable Task SDK's own source: its orchestration and activity spans, with W3C context carried in the history.</summary>
    public const string DurableTaskSourceName = "Microsoft.DurableTask";

    public static readonly ActivitySource Source = new(ActivitySourceName);

    /// <summary>
    /// A span for one execution (attempt) of a durable activity, or null when nobody listens. All the spans of one
    /// orchestration are one trace (docs/metrics.md): inside the SDK's own activity span (when a pipeline listens to
    /// <see cref="DurableTaskSourceName"/>, whose trace context the engine carries from the orchestration), the span is
    /// its child; otherwise its parent is the orchestration's deterministic root (<see cref="OrchestrationRoot"/>), the
    /// same on every host, attempt and replay. Any other ambient span (a Functions invocation, a gRPC stream) is only
    /// linked: it belongs to the transport, not to the orchestration.
    /// </summary>
    public static Activity? StartActivityExecution(string activityName, string instanceId, string? target)
    {
        var ambient = Activity.Current;
        var fromEngine = ambient?.Source.Name == DurableTaskSourceName;
        var parent = fromEngine ? ambient!.Context : OrchestrationRoot(instanceId);
        ActivityLink[]? links = ambient is not null && !fromEngine ? [new ActivityLink(ambient.Context)] : null;
        var span = Source.StartActivity($"activity {activityName}", ActivityKind.Internal, parent, links: links);
        if (span is null)
        {
            return null;
        }

        span.SetTag(InstanceIdTag, instanceId);
        span.SetTag(ActivityNameTag, activityName);
        if (target is not null)
        {
            span.SetTag(TargetTag, target);
        }

        return span;
    }

    /// <summary>
    /// The root of an orchestration's trace when the engine's own spans are not recorded: trace id and span id are
    /// derived from the instance id (SHA-256), so every host computes the same, and a trace can be found from an
    /// instance id (<see cref="TraceIdOf"/>). The root span itself is virtual: it is never exported.
    /// </summary>
    public static ActivityContext OrchestrationRoot(string instanceId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("backupfunctions-orchestration:" + instanceId), hash);
        return new ActivityContext(ActivityTraceId.CreateFromBytes(hash[..16]), ActivitySpanId.CreateFromBytes(hash.Slice(16, 8)),
            ActivityTraceFlags.Recorded, isRemote: true);
    }

    /// <summary>The trace id of an orchestration's spans when the engine's own spans are not recorded (32 hex digits).</summary>
    public static string TraceIdOf(string instanceId) => OrchestrationRoot(instanceId).TraceId.ToHexString();
}
