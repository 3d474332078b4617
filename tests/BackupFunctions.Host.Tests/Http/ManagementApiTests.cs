using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using BackupFunctions.Host.Tests.Support;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace BackupFunctions.Host.Tests.Http;

/// <summary>
/// The Durable Functions management API (docs/http-api.md): shapes and status codes through Kestrel, served by the
/// SDK's DurableTaskClient over the task hub on Azurite. Reads take a function key; every operation that changes an
/// instance (raise an event, terminate, suspend, resume, restart, purge) takes the admin key.
/// </summary>
[Collection(HostCollection.Name)]
public sealed partial class ManagementApiTests(TestHostFixture fixture)
{
    private const string P = "/runtime/webhooks/durabletask/instances";

    private DurableTaskClient Durable => fixture.Host.Durable;

    private static string NewId(string prefix = "m") => $"{prefix}-{Guid.NewGuid():N}";

    [Fact]
    public async Task Status_is_202_while_running_and_200_when_done_with_the_documented_fields()
    {
        var id = await Durable.ScheduleNewOrchestrationInstanceAsync(TestOrchestrations.WaitForApproval, new { who = "ops" }, new StartOrchestrationOptions(NewId()));
        await Durable.StartedAsync(id);
        var client = fixture.FunctionClient;

        var running = await client.GetAsync($"{P}/{id}");
        Assert.Equal(HttpStatusCode.Accepted, running.StatusCode);
        Assert.Equal("5", running.Headers.GetValues("Retry-After").Single());
        Assert.Equal($"{fixture.Host.BaseAddress.ToString().TrimEnd('/')}{P}/{id}", running.Headers.Location!.ToString());
        var body = await running.JsonAsync();
        Assert.Equal(TestOrchestrations.WaitForApproval, body.Str("name"));
        Assert.Equal(id, body.Str("instanceId"));
        Assert.Equal("Running", body.Str("runtimeStatus"));
        Assert.Equal("ops", body.GetProperty("input").GetProperty("who").GetString());
        Assert.Equal("waiting", body.GetProperty("customStatus").GetProperty("step").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("output").ValueKind);
        Assert.Matches(StatusTime(), body.Str("createdTime"));
        Assert.Matches(StatusTime(), body.Str("lastUpdatedTime"));

        var raised = await fixture.AdminClient.PostAsync($"{P}/{id}/raiseEvent/Approve", HttpJson.Body("""{"approvedBy":"alice"}"""));
        Assert.Equal(HttpStatusCode.Accepted, raised.StatusCode);

        var done = await client.StatusUntilAsync($"{P}/{id}?showHistory=true&showHistoryOutput=true", "Completed");
        var final = await client.GetAsync($"{P}/{id}?showHistory=true&showHistoryOutput=true");
        Assert.Equal(HttpStatusCode.OK, final.StatusCode);
        Assert.False(final.Headers.Contains("Retry-After"));
        Assert.Equal("alice", done.GetProperty("output").GetProperty("approvedBy").GetString());
        var types = done.GetProperty("historyEvents").EnumerateArray().Select(e => e.Str("EventType")).ToList();
        Assert.Equal("ExecutionStarted", types[0]);
        Assert.Contains("EventRaised", types);
        Assert.Equal("ExecutionCompleted", types[^1]);
        Assert.DoesNotContain("OrchestratorStarted", types);
        Assert.DoesNotContain("OrchestratorCompleted", types);
        var eventRaised = done.GetProperty("historyEvents").EnumerateArray().Single(e => e.Str("EventType") == "EventRaised");
        Assert.Equal("Approve", eventRaised.Str("Name"));
        Assert.Equal("alice", eventRaised.GetProperty("Input").GetProperty("approvedBy").GetString());
    }

    [Fact]
    public async Task History_merges_each_scheduled_task_into_its_completion()
    {
        var id = await Durable.ScheduleNewOrchestrationInstanceAsync(TestOrchestrations.Echo, "hello", new StartOrchestrationOptions(NewId()));
        await Durable.CompletedAsync(id);

        var withHistory = await (await fixture.FunctionClient.GetAsync($"{P}/{id}?showHistory=true")).JsonAsync();
        var events = withHistory.GetProperty("historyEvents").EnumerateArray().ToList();
        Assert.DoesNotContain(events, e => e.Str("EventType") == "TaskScheduled");
        var completed = Assert.Single(events, e => e.Str("EventType") == "TaskCompleted");
        Assert.Equal(TestOrchestrations.UpperActivity, completed.Str("FunctionName"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z$", completed.Str("ScheduledTime"));
        Assert.False(completed.TryGetProperty("Result", out _), "results are shown only with showHistoryOutput=true");
        Assert.Equal("HELLO", withHistory.Str("output"));

        var withOutput = await (await fixture.FunctionClient.GetAsync($"{P}/{id}?showHistory=true&showHistoryOutput=true&showInput=false")).JsonAsync();
        Assert.Equal(JsonValueKind.Null, withOutput.GetProperty("input").ValueKind);
        var result = withOutput.GetProperty("historyEvents").EnumerateArray().Single(e => e.Str("EventType") == "TaskCompleted");
        Assert.Equal("HELLO", result.Str("Result"));

        var plain = await (await fixture.FunctionClient.GetAsync($"{P}/{id}")).JsonAsync();
        Assert.False(plain.TryGetProperty("historyEvents", out _));
        Assert.Equal("hello", plain.Str("input"));
    }

    [Fact]
    public async Task Status_of_a_failed_instance_is_200_or_500_when_asked_and_404_when_missing()
    {
        var id = await Durable.ScheduleNewOrchestrationInstanceAsync(TestOrchestrations.Fail, null, new StartOrchestrationOptions(NewId()));
        await Durable.CompletedAsync(id);

        var plain = await fixture.FunctionClient.GetAsync($"{P}/{id}");
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        var body = await plain.JsonAsync();
        Assert.Equal("Failed", body.Str("runtimeStatus"));
        Assert.Contains("boom", body.Str("output"));

        var asError = await fixture.FunctionClient.GetAsync($"{P}/{id}?returnInternalServerErrorOnFailure=true");
        Assert.Equal(HttpStatusCode.InternalServerError, asError.StatusCode);
        Assert.Equal("Failed", (await asError.JsonAsync()).Str("runtimeStatus"));

        Assert.Equal(HttpStatusCode.NotFound, (await fixture.FunctionClient.GetAsync($"{P}/{NewId("missing")}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.FunctionClient.GetAsync($"{P}/{id}?showHistory=maybe")).StatusCode);
    }

    [Fact]
    public async Task RaiseEvent_answers_400_for_non_json_404_for_missing_410_for_finished()
    {
        var id = await Durable.ScheduleNewOrchestrationInstanceAsync(TestOrchestrations.WaitForApproval, null, new StartOrchestrationOptions(NewId()));
        await Durable.StartedAsync(id);
        var client = fixture.AdminClient;

        var notJson = await client.PostAsync($"{P}/{id}/raiseEvent/Approve", HttpJson.Body("{not json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal("application/problem+json", notJson.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync($"{P}/{id}/raiseEvent/Approve", HttpJson.Body(""))).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"{P}/{NewId("missing")}/raiseEvent/Approve", HttpJson.Body("1"))).StatusCode);

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"{P}/{id}/raiseEvent/Approve", HttpJson.Body("\"yes\""))).StatusCode);
        await Durable.CompletedAsync(id);
        Assert.Equal(HttpStatusCode.Gone, (await client.PostAsync($"{P}/{id}/raiseEvent/Approve", HttpJson.Body("\"again\""))).StatusCode);
    }

    [Fact]
    public async Task Terminate_needs_the_admin_key_and_answers_202_then_410_and_404_for_missing()
    {
        var id = await Durable.ScheduleNewOrchestrationInstanceAsync(TestOrchestrations.WaitForApproval, null, new StartOrchestrationOptions(NewId()));
        await Durable.StartedAsync(id);

        var withFunctionKey = await fixture.FunctionClient.PostAsync($"{P}/{id}/terminate?reason=nope", null);
        Assert.Equal(HttpStatusCode.Forbidden, withFunctionKey.StatusCode);
        Assert.Equal("application/problem+json", withFunctionKey.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Anonymous.PostAsync($"{P}/{id}/terminate", null)).StatusCode);

        var admin = fixture.AdminClient;
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync($"{P}/{id}/terminate?reason=operator%20said%20so", null)).StatusCode);
        var terminated = await admin.StatusUntilAsync($"{P}/{id}", "Terminated");
        Assert.Equal("operator said so", terminated.Str("output"));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"{P}/{id}")).StatusCode);

        Assert.Equal(HttpStatusCode.Gone, (await admin.PostAsync($"{P}/{id}/terminate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"{P}/{NewId("missing")}/terminate", null)).StatusCode);
    }

    [Fact]
    public async Task Suspend_and_resume_answer_202_and_change_the_status_and_410_once_finished()
    {
        var id = await Durable.ScheduleNewOrchestrationInstanceAsync(TestOrchestrations.WaitForApproval, null, new StartOrchestrationOptions(NewId()));
        await Durable.StartedAsync(id);
        var client = fixture.AdminClient;

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"{P}/{id}/suspend?reason=maintenance", null)).StatusCode);
        await client.StatusUntilAsync($"{P}/{id}", "Suspended");
        Assert.Equal(HttpStatusCode.Accepted, (await client.GetAsync($"{P}/{id}")).StatusCode);

        // An event sent while suspended waits in the queue and is delivered after the resume.
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"{P}/{id}/raiseEvent/Approve", HttpJson.Body("42"))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"{P}/{id}/resume?reason=done", null)).StatusCode);
        var completed = await client.StatusUntilAsync($"{P}/{id}", "Completed");
        Assert.Equal(42, completed.GetProperty("output").GetInt32());

        Assert.Equal(HttpStatusCode.Gone, (await client.PostAsync($"{P}/{id}/suspend", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await client.PostAsync($"{P}/{id}/resume", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"{P}/{NewId("missing")}/suspend", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"{P}/{NewId("missing")}/resume", null)).StatusCode);
    }

    [Fact]
    public async Task Purge_needs_the_admin_key_deletes_a_finished_instance_and_answers_404_otherwise()
    {
        var done = await Durable.ScheduleNewOrchestrationInstanceAsync(TestOrchestrations.Echo, "x", new StartOrchestrationOptions(NewId()));
        await Durable.CompletedAsync(done);
        var running = await Durable.ScheduleNewOrchestrationInstanceAsync(TestOrchestrations.WaitForApproval, null, new StartOrchestrationOptions(NewId()));
        await Durable.StartedAsync(running);
        var admin = fixture.AdminClient;

        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.FunctionClient.DeleteAsync($"{P}/{done}")).StatusCode);

        var purged = await admin.DeleteAsync($"{P}/{done}");
        Assert.Equal(HttpStatusCode.OK, purged.StatusCode);
        Assert.Equal(1, (await purged.JsonAsync()).GetProperty("instancesDeleted").GetInt32());
        Assert.Null(await Durable.GetInstanceAsync(done));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"{P}/{done}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"{P}/{done}")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"{P}/{running}")).StatusCode);
        Assert.NotNull(await Durable.GetInstanceAsync(running));

        // A purge by filter takes finished instances only, even when it names running ones.
        var since = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(-10).ToString("O"));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.DeleteAsync(P)).StatusCode); // createdTimeFrom is required
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"{P}?createdTimeFrom={since}&runtimeStatus=Running,Pending")).StatusCode);
        var another = await Durable.ScheduleNewOrchestrationInstanceAsync(TestOrchestrations.Echo, "y", new StartOrchestrationOptions(NewId()));
        await Durable.CompletedAsync(another);
        var purgedMany = await admin.DeleteAsync($"{P}?createdTimeFrom={since}");
        Assert.Equal(HttpStatusCode.OK, purgedMany.StatusCode);
        Assert.True((await purgedMany.JsonAsync()).GetProperty("instancesDeleted").GetInt32() >= 1);
        Assert.Null(await Durable.GetInstanceAsync(another));
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await Durable.GetInstanceAsync(running))!.RuntimeStatus);
        await Durable.TerminateInstanceAsync(running, "test done");
    }

    [Fact]
    public async Task List_filters_by_prefix_and_status_and_pages_with_the_continuation_header()
    {
        var prefix = NewId("list") + "-";
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await Durable.ScheduleNewOrchestrationInstanceAsync(TestOrchestrations.Echo, $"n{i}", new StartOrchestrationOptions(prefix + i)));
        }

        foreach (var id in ids)
        {
            await Durable.CompletedAsync(id);
        }

        var client = fixture.FunctionClient;
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{P}?instanceIdPrefix={Uri.EscapeDataString(prefix)}&top=2&showInput=true");
            if (token is not null)
            {
                request.Headers.Add("x-ms-continuation-token", token);
            }

            var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = (await response.JsonAsync()).EnumerateArray().ToList();
            Assert.True(page.Count <= 2);
            Assert.All(page, item => Assert.StartsWith("n", item.Str("input")));
            seen.AddRange(page.Select(item => item.Str("instanceId")));
            token = response.Headers.TryGetValues("x-ms-continuation-token", out var values) ? values.Single() : null;
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(ids.Order(), seen.Order());
        // Five instances, two a page; the store may hand out one more token that leads to an empty page.
        Assert.InRange(pages, 3, 4);

        var completed = await (await client.GetAsync($"{P}?instanceIdPrefix={Uri.EscapeDataString(prefix)}&runtimeStatus=Completed,Failed")).JsonAsync();
        Assert.Equal(5, completed.GetArrayLength());
        Assert.All(completed.EnumerateArray(), item => Assert.Equal(JsonValueKind.Null, item.GetProperty("input").ValueKind));
        var running = await (await client.GetAsync($"{P}?instanceIdPrefix={Uri.EscapeDataString(prefix)}&runtimeStatus=Running")).JsonAsync();
        Assert.Equal(0, running.GetArrayLength());
        var future = await (await client.GetAsync($"{P}?instanceIdPrefix={Uri.EscapeDataString(prefix)}&createdTimeFrom=2999-01-01T00:00:00Z")).JsonAsync();
        Assert.Equal(0, future.GetArrayLength());
    }

    [Theory]
    [InlineData("?runtimeStatus=Sleeping")]
    [InlineData("?top=0")]
    [InlineData("?top=abc")]
    [InlineData("?createdTimeFrom=yesterday")]
    [InlineData("?showInput=perhaps")]
    public async Task List_rejects_bad_arguments_with_400(string query)
    {
        var response = await fixture.FunctionClient.GetAsync(P + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("bm90LWFuLWlk")] // the store's own shape (base64 of an instance id), not handed out by this API
    [InlineData("bf1.")]
    [InlineData("bf1.%%%")]
    public async Task List_rejects_a_continuation_token_it_did_not_issue(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, P);
        request.Headers.Add("x-ms-continuation-token", token);
        var response = await fixture.FunctionClient.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("x-ms-continuation-token", (await response.JsonAsync()).Str("detail"));
    }

    [Fact]
    public async Task Restart_starts_the_same_orchestration_with_the_same_input_under_a_new_id()
    {
        var id = await Durable.ScheduleNewOrchestrationInstanceAsync(TestOrchestrations.Echo, "again", new StartOrchestrationOptions(NewId()));
        await Durable.CompletedAsync(id);

        var response = await fixture.AdminClient.PostAsync($"{P}/{id}/restart", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var newId = (await response.JsonAsync()).Str("id");
        Assert.NotEqual(id, newId);
        var done = await Durable.CompletedAsync(newId);
        Assert.Equal("AGAIN", done.ReadOutputAs<string>());
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")]
    private static partial Regex StatusTime();
}
