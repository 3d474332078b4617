using System.Diagnostics;

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

    public static readonly ActivitySource Source = new(ActivitySourceName);

    /// <summary>
    /// A span for one execution (attempt) of a durable activity, or null when nobody listens. The instance id ties the
    /// spans of one orchestration together even where the engine does not carry a trace context between them.
    /// </summary>
    public static Activity? StartActivityExecution(string activityName, string instanceId, string? target)
    {
        var span = Source.StartActivity($"activity {activityName}", ActivityKind.Internal);
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
}
