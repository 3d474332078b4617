using System.Diagnostics;
using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Configuration;
using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;

namespace BackupFunctions.Workflows.Tests.Activities;

/// <summary>
/// <see cref="BoundedActivity{TInput, TOutput}"/>: each attempt runs under its activity's limit; running past it cancels
/// the work and fails the attempt with the retryable <see cref="ActivityTimedOutException"/>; the host stopping is not a timeout.
/// </summary>
public sealed class BoundedActivityTests
{
    [Fact]
    public async Task An_attempt_past_its_limit_is_cancelled_and_fails_with_the_retryable_timeout()
    {
        var limits = new ActivityLimits(new ActivityOptions { Timeouts = { ["Hang"] = TimeSpan.FromMilliseconds(200) } });
        var activity = new HangingActivity(limits);
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<ActivityTimedOutException>(() => activity.RunAsync(new TestActivityContext("Hang", "i-1"), "x"));

        Assert.Equal("Hang", e.Activity);
        Assert.Equal(TimeSpan.FromMilliseconds(200), e.Limit);
        Assert.Contains("BackupFunctions:Activities:Timeouts:Hang", e.Message);
        Assert.IsAssignableFrom<TimeoutException>(e);
        Assert.True(activity.SawCancellation.Task.IsCompletedSuccessfully, "the deadline did not reach the work");
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(10));
        // Retryable: the classifier leaves it alone, and the retry policies only stop for NonRetryableTaskException.
        Assert.Same(e, ActivityFailures.Classify(e));
        Assert.IsNotType<NonRetryableTaskException>(e);
    }

    [Fact]
    public async Task The_limit_is_the_activitys_own_and_an_unnamed_activity_gets_the_default()
    {
        var options = new ActivityOptions
        {
            Timeout = TimeSpan.FromMilliseconds(300),
            Timeouts = { ["Quick"] = TimeSpan.FromMinutes(5) },
        };
        var limits = new ActivityLimits(options);

        var e = await Assert.ThrowsAsync<ActivityTimedOutException>(() => new HangingActivity(limits).RunAsync(new TestActivityContext("Other", "i-2"), "x"));
        Assert.Equal(TimeSpan.FromMilliseconds(300), e.Limit);
        Assert.Equal(TimeSpan.FromMinutes(5), options.For("quick")); // names are case-insensitive
    }

    [Fact]
    public async Task Work_that_finishes_in_time_returns_its_output_and_sees_the_callers_name_and_instance()
    {
        var limits = new ActivityLimits(new ActivityOptions { Timeouts = { ["Echo"] = TimeSpan.FromSeconds(30) } });

        var output = await new EchoActivity(limits).RunAsync(new TestActivityContext("Echo", "instance-42"), "hello");

        Assert.Equal("Echo/instance-42/hello/live", output);
    }

    [Fact]
    public async Task The_host_stopping_cancels_the_attempt_without_calling_it_a_timeout()
    {
        using var stopping = new CancellationTokenSource();
        var limits = new ActivityLimits(new ActivityOptions { Timeouts = { ["Hang"] = TimeSpan.FromMinutes(5) } }, stopping.Token);
        var activity = new HangingActivity(limits);

        var run = activity.RunAsync(new TestActivityContext("Hang", "i-3"), "x");
        await activity.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await stopping.CancelAsync();

        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.IsNotType<ActivityTimedOutException>(e);
        Assert.True(activity.SawCancellation.Task.IsCompletedSuccessfully);
    }

    [Fact]
    public void Timeouts_bind_from_BackupFunctions_Activities_and_keep_the_defaults_of_other_activities()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BackupFunctions:Activities:Timeout"] = "01:00:00",
            ["BackupFunctions:Activities:Timeouts:UploadArtifact"] = "00:00:02",
        }).Build();
        var options = new BackupFunctionsOptions();
        configuration.GetSection(BackupFunctionsOptions.SectionName).Bind(options);

        Assert.Equal(TimeSpan.FromSeconds(2), options.Activities.For("UploadArtifact"));
        Assert.Equal(TimeSpan.FromHours(1), options.Activities.For("DumpCompressEncrypt"));
        Assert.Equal(TimeSpan.FromMinutes(10), options.Activities.For("PreflightSource"));
        Assert.Empty(options.Activities.Validate());
    }

    [Fact]
    public void A_zero_or_negative_limit_is_a_settings_problem_naming_the_setting()
    {
        var options = new ActivityOptions { Timeout = TimeSpan.Zero, Timeouts = { ["WriteManifest"] = TimeSpan.FromSeconds(-1) } };

        var problems = options.Validate().ToList();

        Assert.Contains(problems, p => p.StartsWith("BackupFunctions:Activities:Timeout ", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("BackupFunctions:Activities:Timeouts:WriteManifest", StringComparison.Ordinal));
    }

    /// <summary>Waits on its deadline, and says when it started and whether the cancellation reached it.</summary>
    private sealed class HangingActivity(ActivityLimits limits) : BoundedActivity<string, string>(limits)
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource SawCancellation { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task<string> RunAsync(ActivityRun context, string input)
        {
            Started.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
                return input;
            }
            catch (OperationCanceledException)
            {
                SawCancellation.TrySetResult();
                throw;
            }
        }
    }

    private sealed class EchoActivity(ActivityLimits limits) : BoundedActivity<string, string>(limits)
    {
        protected override Task<string> RunAsync(ActivityRun context, string input) =>
            Task.FromResult($"{context.Name}/{context.InstanceId}/{input}/{(context.CancellationToken.IsCancellationRequested ? "cancelled" : "live")}");
    }
}

/// <summary>The context the worker gives an activity: its registered name and the calling orchestration's instance id.</summary>
internal sealed class TestActivityContext(string name, string instanceId) : TaskActivityContext
{
    public override TaskName Name { get; } = new(name);

    public override string InstanceId { get; } = instanceId;
}
