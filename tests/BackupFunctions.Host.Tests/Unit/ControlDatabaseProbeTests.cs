using BackupFunctions.Durable;
using BackupFunctions.Host.Health;
using BackupFunctions.Testing;

namespace BackupFunctions.Host.Tests.Unit;

public sealed class ControlDatabaseProbeTests
{
    [Fact]
    public async Task Not_ready_until_the_task_hub_has_its_schema()
    {
        await using var db = await TempDatabase.CreateAsync("probe");
        var options = new DurableTaskOptions { ConnectionString = db.ConnectionString, TaskHubName = "probe_hub" };
        var probe = new ControlDatabaseProbe(options);

        var (before, why) = await probe.CheckAsync(CancellationToken.None);
        Assert.False(before);
        Assert.Contains("probe_hub", why);

        await using (var client = new DurableTaskClient(options))
        {
            await client.GetInstanceAsync("anything"); // the client's first call creates the schema
        }

        Assert.True((await probe.CheckAsync(CancellationToken.None)).Ready);
    }

    [Fact]
    public async Task Not_ready_when_the_control_database_does_not_answer()
    {
        var options = new DurableTaskOptions { ConnectionString = "Host=127.0.0.1;Port=1;Username=x;Password=secret-pw;Timeout=2", TaskHubName = "h" };
        var (ready, detail) = await new ControlDatabaseProbe(options).CheckAsync(CancellationToken.None);
        Assert.False(ready);
        Assert.Contains("does not answer", detail);
        Assert.DoesNotContain("secret-pw", detail);
    }
}
