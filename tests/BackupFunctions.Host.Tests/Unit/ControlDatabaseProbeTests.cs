using System.Net;
using BackupFunctions.Host.Health;
using BackupFunctions.Host.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Host.Tests.Unit;

public sealed class ControlDatabaseProbeTests
{
    [Fact]
    public async Task Not_ready_until_the_task_hub_is_open_nor_while_the_control_database_does_not_answer()
    {
        await using var hub = new TestHub();
        const string unreachable = "Host=127.0.0.1;Port=1;Username=x;Password=secret-pw;Timeout=2";
        await using var app = TestHost.Build(HostSettings.For(unreachable, hub.Name));
        var probe = app.Services.GetRequiredService<ControlDatabaseProbe>();

        var (beforeStart, why) = await probe.CheckAsync(CancellationToken.None);
        Assert.False(beforeStart);
        Assert.Contains("task hub is not open", why);

        // Nothing at start-up needs the control database without the product workflows and timers: the host starts.
        await app.StartAsync();
        try
        {
            var (ready, detail) = await probe.CheckAsync(CancellationToken.None);
            Assert.False(ready);
            Assert.Contains("does not answer", detail);
            Assert.DoesNotContain("secret-pw", detail);

            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            var response = await client.GetAsync("/healthz/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.DoesNotContain("secret-pw", await response.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz/live")).StatusCode);
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
