using System.Net;
using BackupFunctions.Host.Tests.Support;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace BackupFunctions.Host.Tests.Http;

/// <summary>
/// Every management route that can approve, re-run, suspend, resume, terminate or purge takes the admin key: a
/// function key (which starts backups and reads status) gets 403 and changes nothing, no key gets 401, and the admin
/// key does what the route says. (POST /api/restores and /api/dr: <see cref="ProductApiTests"/>.)
/// </summary>
[Collection(HostCollection.Name)]
public sealed class AdminKeyTests(TestHostFixture fixture)
{
    private const string P = "/runtime/webhooks/durabletask/instances";

    private DurableTaskClient Durable => fixture.Host.Durable;

    public static TheoryData<string> Operations() => new() { "raiseEvent", "terminate", "suspend", "resume", "restart", "purge", "purgeMany" };

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task A_function_key_is_refused_and_the_admin_key_works(string operation)
    {
        var createdFrom = DateTimeOffset.UtcNow.AddSeconds(-1);
        var id = await PrepareAsync(operation);
        var before = await Durable.GetInstanceAsync(id);
        Assert.NotNull(before);

        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Anonymous.SendAsync(Request(operation, id, createdFrom))).StatusCode);
        var refused = await fixture.FunctionClient.SendAsync(Request(operation, id, createdFrom));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        Assert.Contains("admin key", (await refused.JsonAsync()).Str("detail"));

        // Nothing reached the instance: it is as it was, and (for a restart) no other instance was started.
        var unchanged = await Durable.GetInstanceAsync(id);
        Assert.NotNull(unchanged);
        Assert.Equal(before!.RuntimeStatus, unchanged!.RuntimeStatus);
        Assert.Equal(before.LastUpdatedAt, unchanged.LastUpdatedAt);

        var done = await fixture.AdminClient.SendAsync(Request(operation, id, createdFrom));
        Assert.Equal(operation.StartsWith("purge", StringComparison.Ordinal) ? HttpStatusCode.OK : HttpStatusCode.Accepted, done.StatusCode);
        await AssertDoneAsync(operation, id, done);
    }

    private async Task<string> PrepareAsync(string operation)
    {
        var id = $"admin-{operation}-{Guid.NewGuid():N}";
        if (operation is "restart" or "purge" or "purgeMany")
        {
            await Durable.ScheduleNewOrchestrationInstanceAsync(TestOrchestrations.Echo, operation, new StartOrchestrationOptions(id));
            await Durable.CompletedAsync(id);
            return id;
        }

        await Durable.ScheduleNewOrchestrationInstanceAsync(TestOrchestrations.WaitForApproval, null, new StartOrchestrationOptions(id));
        await Durable.StartedAsync(id);
        if (operation == "resume")
        {
            await Durable.SuspendInstanceAsync(id, "to test resume");
            await Polling.UntilAsync(() => Durable.GetInstanceAsync(id), m => m?.RuntimeStatus == OrchestrationRuntimeStatus.Suspended, $"{id} to be suspended");
        }

        return id;
    }

    private static HttpRequestMessage Request(string operation, string id, DateTimeOffset createdFrom) => operation switch
    {
        "raiseEvent" => new(HttpMethod.Post, $"{P}/{id}/raiseEvent/Approve") { Content = HttpJson.Body("""{"approvedBy":"admin"}""") },
        "purge" => new(HttpMethod.Delete, $"{P}/{id}"),
        "purgeMany" => new(HttpMethod.Delete,
            $"{P}?createdTimeFrom={Uri.EscapeDataString(createdFrom.ToString("O"))}&runtimeStatus=Completed"),
        _ => new(HttpMethod.Post, $"{P}/{id}/{operation}?reason=test"),
    };

    private async Task AssertDoneAsync(string operation, string id, HttpResponseMessage response)
    {
        switch (operation)
        {
            case "raiseEvent":
                var approved = await Durable.CompletedAsync(id);
                Assert.Equal(OrchestrationRuntimeStatus.Completed, approved.RuntimeStatus);
                Assert.Contains("admin", approved.SerializedOutput);
                break;
            case "terminate":
                await Polling.UntilAsync(() => Durable.GetInstanceAsync(id), m => m?.RuntimeStatus == OrchestrationRuntimeStatus.Terminated, $"{id} to be terminated");
                break;
            case "suspend":
                await Polling.UntilAsync(() => Durable.GetInstanceAsync(id), m => m?.RuntimeStatus == OrchestrationRuntimeStatus.Suspended, $"{id} to be suspended");
                break;
            case "resume":
                await Polling.UntilAsync(() => Durable.GetInstanceAsync(id), m => m?.RuntimeStatus == OrchestrationRuntimeStatus.Running, $"{id} to run again");
                break;
            case "restart":
                var newId = (await response.JsonAsync()).Str("id");
                Assert.NotEqual(id, newId);
                Assert.Equal("RESTART", (await Durable.CompletedAsync(newId)).ReadOutputAs<string>());
                break;
            case "purge" or "purgeMany":
                Assert.True((await response.JsonAsync()).GetProperty("instancesDeleted").GetInt32() >= 1);
                Assert.Null(await Durable.GetInstanceAsync(id));
                break;
        }

        if (operation is "suspend" or "resume")
        {
            // Leave nothing waiting in the shared hub.
            await Durable.TerminateInstanceAsync(id, "test done");
        }
    }
}
