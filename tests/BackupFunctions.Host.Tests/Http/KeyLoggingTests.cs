using System.Net;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Testing;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Host.Tests.Http;

public sealed class KeyLoggingTests
{
    [Fact]
    public async Task Keys_never_reach_the_logs_even_at_trace_level()
    {
        await using var db = await TempDatabase.CreateAsync("keylog");
        await using var hub = new TestHub();
        var logs = new LogCapture();
        await using (var host = await TestHost.StartAsync(HostSettings.For(db.ConnectionString, hub.Name), b =>
        {
            b.Logging.AddProvider(logs);
            b.Logging.SetMinimumLevel(LogLevel.Trace);
        }))
        {
            const string I = "/runtime/webhooks/durabletask/instances";
            Assert.Equal(HttpStatusCode.OK, (await host.Client().GetAsync($"{I}?code={TestKeys.Admin}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await host.Client(TestKeys.Function).GetAsync(I)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client().GetAsync($"{I}?code=almost-" + TestKeys.Admin)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await host.Client(TestKeys.Function).DeleteAsync($"{I}/x")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await host.Client().PostAsync($"{I}/x/restart?code={TestKeys.Function}", null)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await host.Client().PostAsync($"{I}/x/suspend?code={TestKeys.Admin}", null)).StatusCode);
        }

        Assert.NotEmpty(logs.Events);
        Assert.Contains(logs.Events, e => e.Id.Id == 1100); // the rejection itself is logged, without the key
        Assert.Contains(logs.Events, e => e.Id.Id == 1101);
        Assert.DoesNotContain(logs.Events, e => e.Message.Contains(TestKeys.Admin) || e.Message.Contains(TestKeys.Function));
    }
}
