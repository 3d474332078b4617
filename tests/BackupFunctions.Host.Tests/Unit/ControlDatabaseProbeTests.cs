using System.Net;
using BackupFunctions.Host.Health;
using BackupFunctions.Host.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Host.Tests.Unit;

public sealed class ControlDatabaseProbeTests
{
    // A real address nothing listens on, with a user name the answer must not give away.
    private const string Unreachable = "Host=127.0.0.1;Port=1;Username=probe_user_x;Password=secret-pw;Timeout=2";

    [Fact]
    public async Task Not_ready_until_the_task_hub_is_open_nor_while_the_control_database_does_not_answer()
    {
        await using var hub = new TestHub();
        var clock = new ManualClock();
        await using var app = TestHost.Build(HostSettings.For(Unreachable, hub.Name), b => b.Services.AddSingleton<TimeProvider>(clock));
        var probe = app.Services.GetRequiredService<ControlDatabaseProbe>();

        var beforeStart = await probe.CheckAsync(CancellationToken.None);
        Assert.False(beforeStart.Ready);
        Assert.Contains("task hub is not open", beforeStart.Detail);

        // Nothing at start-up needs the control database without the product workflows and timers: the host starts.
        await app.StartAsync();
        try
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            var result = await probe.CheckAsync(CancellationToken.None);
            Assert.False(result.Ready);
            Assert.Contains("does not answer", result.Detail);
            Assert.DoesNotContain("secret-pw", result.Detail);

            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            var response = await client.GetAsync("/healthz/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal("""{"status":"not ready"}""", body);
            foreach (var secretish in new[] { "secret-pw", "probe_user_x", "127.0.0.1", "Exception", "does not answer" })
            {
                Assert.DoesNotContain(secretish, body, StringComparison.OrdinalIgnoreCase);
            }

            var live = await client.GetAsync("/healthz/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal("""{"status":"live"}""", await live.Content.ReadAsStringAsync());
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task Probes_within_the_cache_window_share_one_connection_attempt_and_a_new_window_checks_again()
    {
        await using var hub = new TestHub();
        var clock = new ManualClock();
        var settings = HostSettings.For(Unreachable, hub.Name).With("BackupFunctions:Host:ReadinessCacheDuration", "00:00:10");
        await using var app = TestHost.Build(settings, b => b.Services.AddSingleton<TimeProvider>(clock));
        var probe = app.Services.GetRequiredService<ControlDatabaseProbe>();
        await app.StartAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            var answers = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => client.GetAsync("/healthz/ready")));
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a.StatusCode));
            for (var i = 0; i < 25; i++)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/healthz/ready")).StatusCode);
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz/live")).StatusCode);
            }

            Assert.Equal(1, probe.ConnectionAttempts);

            clock.Advance(TimeSpan.FromSeconds(9));
            await client.GetAsync("/healthz/ready");
            Assert.Equal(1, probe.ConnectionAttempts);

            clock.Advance(TimeSpan.FromSeconds(2));
            await client.GetAsync("/healthz/ready");
            Assert.Equal(2, probe.ConnectionAttempts);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    /// <summary>A clock the test moves, so the cache window is crossed without waiting.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
