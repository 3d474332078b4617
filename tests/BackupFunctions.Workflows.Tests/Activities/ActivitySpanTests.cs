using System.Diagnostics;
using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Telemetry;

namespace BackupFunctions.Workflows.Tests.Activities;

/// <summary>Every activity attempt is a span of the BackupFunctions source, tagged for its orchestration and target.</summary>
public sealed class ActivitySpanTests : IDisposable
{
    private readonly List<Activity> _spans = [];
    private readonly ActivityListener _listener;
    private readonly string _instanceId = "span-" + Guid.NewGuid().ToString("N");

    public ActivitySpanTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == BackupTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (_spans)
                {
                    _spans.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    private Activity Span()
    {
        lock (_spans)
        {
            return Assert.Single(_spans, s => (string?)s.GetTagItem(BackupTelemetry.InstanceIdTag) == _instanceId);
        }
    }

    private sealed record Request(string Target, bool Fail) : ITargetedRequest;

    private sealed class Probe() : BoundedActivity<Request, string>(new ActivityLimits(new ActivityOptions()))
    {
        protected override Task<string> RunAsync(ActivityRun context, Request input) =>
            input.Fail ? throw new IOException("secret-host.example refused") : Task.FromResult(Activity.Current?.DisplayName ?? "no span");
    }

    [Fact]
    public async Task A_successful_attempt_is_a_span_with_the_instance_the_activity_and_the_target()
    {
        var inside = await new Probe().RunAsync(new TestActivityContext("UploadArtifact", _instanceId), new Request("s3", Fail: false));

        var span = Span();
        Assert.Equal("activity UploadArtifact", inside);
        Assert.Equal("UploadArtifact", span.GetTagItem(BackupTelemetry.ActivityNameTag));
        Assert.Equal("s3", span.GetTagItem(BackupTelemetry.TargetTag));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
    }

    [Fact]
    public async Task A_failed_attempt_has_an_error_status_with_the_exception_type_and_not_its_message()
    {
        await Assert.ThrowsAsync<IOException>(() => new Probe().RunAsync(new TestActivityContext("VerifyChecksum", _instanceId), new Request("azure", Fail: true)));

        var span = Span();
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(nameof(IOException), span.StatusDescription);
        Assert.DoesNotContain(span.Tags, t => t.Value?.Contains("secret-host", StringComparison.Ordinal) == true);
    }
}
