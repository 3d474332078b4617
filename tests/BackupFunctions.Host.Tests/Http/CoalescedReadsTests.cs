using System.Net;
using BackupFunctions.Host.Tests.Support;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace BackupFunctions.Host.Tests.Http;

/// <summary>
/// The status and catalog-list reads are coalesced (Reads/FreshReadCoalescer): many concurrent pollers share backend
/// reads. Through Kestrel and the real task hub: every poller still gets its own full answer, nothing is served from
/// a cache (a read after a change sees the change), and different keys are never mixed up.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class CoalescedReadsTests(TestHostFixture fixture)
{
    private const string P = "/runtime/webhooks/durabletask/instances";

    [Fact]
    public async Task Concurrent_pollers_of_one_instance_each_get_its_status_and_a_read_after_a_change_sees_it()
    {
        var durable = fixture.Host.Durable;
        var id = await durable.ScheduleNewOrchestrationInstanceAsync(TestOrchestrations.WaitForApproval, new { who = "ops" }, new StartOrchestrationOptions($"co-{Guid.NewGuid():N}"));
        await durable.StartedAsync(id);

        var running = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => fixture.FunctionClient.GetAsync($"{P}/{id}")));
        Assert.All(running, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        foreach (var r in running)
        {
            var body = await r.JsonAsync();
            Assert.Equal(id, body.Str("instanceId"));
            Assert.Equal("Running", body.Str("runtimeStatus"));
            Assert.Equal("ops", body.GetProperty("input").GetProperty("who").GetString());
        }

        // showInput=false shares the read with the others (inputs are always fetched) but must still hide the input.
        var hidden = await (await fixture.FunctionClient.GetAsync($"{P}/{id}?showInput=false")).JsonAsync();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, hidden.GetProperty("input").ValueKind);

        await durable.RaiseEventAsync(id, "Approve", new { approvedBy = "alice" });
        await durable.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: false, new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);

        // The engine has recorded the completion: the very next read, and every concurrent one, must say so (a cached
        // or shared-from-before answer would still say Running).
        var done = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => fixture.FunctionClient.GetAsync($"{P}/{id}")));
        Assert.All(done, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var r in done)
        {
            Assert.Equal("alice", (await r.JsonAsync()).GetProperty("output").GetProperty("approvedBy").GetString());
        }

        var missing = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => fixture.FunctionClient.GetAsync($"{P}/none-{Guid.NewGuid():N}")));
        Assert.All(missing, r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
    }

    [Fact]
    public async Task Concurrent_list_calls_for_different_databases_get_their_own_pages()
    {
        var calls = Enumerable.Range(0, 60)
            .Select(i => (Database: i % 2 == 0 ? "app" : "reports", Call: fixture.FunctionClient.GetAsync($"/api/backups?database={(i % 2 == 0 ? "app" : "reports")}")))
            .ToList();
        await Task.WhenAll(calls.Select(c => c.Call));

        foreach (var (database, call) in calls)
        {
            var response = await call;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
            var ids = (await response.JsonAsync()).EnumerateArray().Select(b => b.Str("backupId")).ToList();
            Assert.Equal(database == "app" ? [FakeCatalog.KnownBackupId] : [], ids);
        }
    }
}
