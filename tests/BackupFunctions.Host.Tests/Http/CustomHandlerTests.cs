using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text.Json;
using BackupFunctions.Durable;
using BackupFunctions.Host.Schedules;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Workflows.Orchestrations;

namespace BackupFunctions.Host.Tests.Http;

/// <summary>The host as an Azure Functions custom handler, driven with invocation payloads of the documented shape.</summary>
public sealed class CustomHandlerTests(CustomHandlerTests.Fixture fixture) : IClassFixture<CustomHandlerTests.Fixture>
{
    public sealed class Fixture : TestHostFixture
    {
        public int Port { get; } = FreePort.Next();

        protected override Dictionary<string, string?> Settings(string controlConnectionString) =>
            base.Settings(controlConnectionString)
                .With("FUNCTIONS_CUSTOMHANDLER_PORT", Port.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .With("BackupFunctions:Host:RunTimers", "true") // custom-handler mode must switch them off anyway
                .With("BackupFunctions:Schedules:FilesBackup:Enabled", "false")
                .With("BackupFunctions:Tenants:TenantIds:0", "t1")
                .With("BackupFunctions:Tenants:TenantIds:1", "t2");
    }

    private static string RecordedPayload(string? utcNow = null)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", "timer-invocation.json"));
        return utcNow is null ? text : text.Replace("2026-03-01T02:00:00.012Z", utcNow, StringComparison.Ordinal);
    }

    private async Task<IReadOnlyList<OrchestrationMetadata>> InstancesAsync(string schedule) =>
        (await fixture.Host.Durable.QueryInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = ScheduledInstanceId.PrefixFor(schedule) })).Items;

    private static async Task<JsonElement> InvokeAsync(HttpClient client, string function, string payload)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/" + function) { Content = HttpJson.Body(payload) };
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    [Fact]
    public async Task Listens_on_the_port_the_functions_host_gives_and_answers_its_probe()
    {
        Assert.Equal(fixture.Port, fixture.Host.BaseAddress.Port);
        Assert.Equal("127.0.0.1", fixture.Host.BaseAddress.Host);
        var probe = await fixture.Anonymous.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        Assert.Equal("custom-handler", (await probe.JsonAsync()).Str("mode"));
    }

    [Fact]
    public async Task A_timer_invocation_starts_the_due_time_once_even_when_posted_twice()
    {
        var client = fixture.Anonymous; // the Functions host calls its handler without keys
        var first = await InvokeAsync(client, "FullBackupTimer", RecordedPayload());

        Assert.Equal(JsonValueKind.Object, first.GetProperty("Outputs").ValueKind);
        Assert.Empty(first.GetProperty("Outputs").EnumerateObject());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("ReturnValue").ValueKind);
        var logs = first.GetProperty("Logs").EnumerateArray().Select(l => l.GetString()!).ToList();
        Assert.Contains(logs, l => l.Contains("started schedule:fullbackup:20260301T020000Z"));

        var instance = Assert.Single(await InstancesAsync(ScheduleName.FullBackup));
        Assert.Equal("schedule:fullbackup:20260301T020000Z", instance.InstanceId);
        Assert.Equal(OrchestrationNames.FullBackup, instance.Name);
        var done = await fixture.Host.Durable.CompletedAsync(instance.InstanceId);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);

        // Posted again after the run finished (a retry, or a second Functions instance): nothing new starts.
        var second = await InvokeAsync(client, "FullBackupTimer", RecordedPayload("2026-03-01T02:00:01.500Z"));
        Assert.Contains(second.GetProperty("Logs").EnumerateArray(), l => l.GetString()!.Contains("already exists"));
        var after = Assert.Single(await InstancesAsync(ScheduleName.FullBackup));
        Assert.Equal(done.ExecutionId, (await fixture.Host.Durable.GetInstanceAsync(after.InstanceId))!.ExecutionId);
    }

    [Fact]
    public async Task A_schedule_per_tenant_starts_one_instance_per_tenant()
    {
        var response = await InvokeAsync(fixture.Anonymous, "TenantBackupTimer", RecordedPayload("2026-03-01T03:00:00.100Z"));
        Assert.Equal(3, response.GetProperty("Logs").GetArrayLength());
        var ids = (await InstancesAsync(ScheduleName.TenantBackup)).Select(i => i.InstanceId).Order().ToList();
        Assert.Equal(["schedule:tenantbackup:20260301T030000Z:t1", "schedule:tenantbackup:20260301T030000Z:t2"], ids);
    }

    [Fact]
    public async Task A_disabled_schedule_answers_200_and_starts_nothing()
    {
        var response = await InvokeAsync(fixture.Anonymous, "FilesBackupTimer", RecordedPayload());
        Assert.Contains("disabled", response.GetProperty("Logs")[0].GetString());
        Assert.Empty(await InstancesAsync(ScheduleName.FilesBackup));
    }

    [Fact]
    public async Task A_malformed_invocation_fails_it_with_400_and_unknown_functions_are_404()
    {
        var bad = await fixture.Anonymous.PostAsync("/RetentionTimer", HttpJson.Body("{oops"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Single((await bad.JsonAsync()).GetProperty("Logs").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Anonymous.PostAsync("/NoSuchTimer", HttpJson.Body("{}"))).StatusCode);
    }

    [Fact]
    public async Task Status_urls_point_at_the_api_route_the_functions_host_forwards()
    {
        var response = await fixture.FunctionClient.PostAsync("/api/backups", HttpJson.Body("""{"kind":"full"}"""));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var status = (await response.JsonAsync()).Str("statusQueryGetUri");
        Assert.Contains("/api/durabletask/instances/", status);
        await fixture.FunctionClient.StatusUntilAsync(status, "Completed");
    }

    [Fact]
    public async Task Timers_do_not_run_in_process_in_custom_handler_mode()
    {
        Assert.DoesNotContain(fixture.Host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>(), s => s is TimerScheduler);
    }
}
