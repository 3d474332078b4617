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
        var logs = new LogCapture();
        await using var host = await TestHost.StartAsync(HostSettings.For(db.ConnectionString, HostSettings.NewHub()), b =>
        {
            b.Logging.AddProvider(logs);
            b.Logging.SetMinimumLevel(LogLevel.Trace);
        });

        Assert.Equal(HttpStatusCode.OK, (await host.Client().GetAsync($"/runtime/webhooks/durabletask/instances?code={TestKeys.Admin}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client(TestKeys.Function).GetAsync("/runtime/webhooks/durabletask/instances")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client().GetAsync("/runtime/webhooks/durabletask/instances?code=almost-" + TestKeys.Admin)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client(TestKeys.Function).DeleteAsync("/runtime/webhooks/durabletask/instances/x")).StatusCode);

        Assert.NotEmpty(logs.Events);
        Assert.Contains(logs.Events, e => e.Id.Id == 1100); // the rejection itself is logged, without the key
        Assert.DoesNotContain(logs.Events, e => e.Message.Contains(TestKeys.Admin) || e.Message.Contains(TestKeys.Function));
    }
}
