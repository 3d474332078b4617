using System.Net;
using System.Text.Json;
using BackupFunctions.Functions.Http;
using BackupFunctions.Functions.Tests.Support;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace BackupFunctions.Functions.Tests.Http;

/// <summary>
/// The start routes as the worker runs them: a bad body is a 400 and starts nothing; a good one starts its
/// orchestration and answers 202 with the status URLs; a backup beyond the per-database limit (counted in the real
/// control database) is a 429 with Retry-After. The task hub is <see cref="FakeDurableTaskClient"/>.
/// </summary>
public sealed class StartFunctionsTests(FunctionsApp app) : IClassFixture<FunctionsApp>
{
    private readonly StartFunctions _functions = app.Create<StartFunctions>();
    private readonly FakeDurableTaskClient _hub = new();

    [Fact]
    public async Task A_backup_body_that_is_not_json_is_a_400_and_starts_nothing()
    {
        var response = await CallAsync(c => _functions.StartBackup(Post(c, "backups", "{kind:"), _hub, c));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Header("Content-Type"));
        Assert.Empty(_hub.Started);
    }

    [Fact]
    public async Task A_backup_to_an_unknown_target_is_a_400_that_names_it()
    {
        var response = await CallAsync(c => _functions.StartBackup(Post(c, "backups", """{"database":"app","targets":["tape"]}"""), _hub, c));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("tape", response.Detail());
        Assert.Empty(_hub.Started);
    }

    [Fact]
    public async Task A_good_backup_starts_its_orchestration_and_answers_202_with_the_status_urls()
    {
        // Each admission case backs up a database of its own (FunctionsApp allows them), so their slots do not meet.
        var database = "crm";
        var response = await CallAsync(c => _functions.StartBackup(Post(c, "backups", $$"""{"database":"{{database}}"}"""), _hub, c));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = Assert.Single(_hub.Started);
        Assert.Equal(OrchestrationNames.FullBackup, _hub.Instances[id].Name);
        Assert.Equal(database, Assert.IsType<BackupRequest>(_hub.Instances[id].Input).Database);
        Assert.Contains(id, response.Header("Location"));
        var status = JsonDocument.Parse(response.BodyText()).RootElement;
        Assert.Equal(id, status.GetProperty("Id").GetString());
        Assert.EndsWith("/instances/" + id, status.GetProperty("StatusQueryGetUri").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backup_beyond_the_per_database_limit_is_a_429_with_retry_after_and_starts_nothing()
    {
        _hub.Status = OrchestrationRuntimeStatus.Running;
        var database = "sales";
        var body = $$"""{"database":"{{database}}"}""";
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await CallAsync(c => _functions.StartBackup(Post(c, "backups", body), _hub, c))).StatusCode);
        }

        var refused = await CallAsync(c => _functions.StartBackup(Post(c, "backups", body), _hub, c));

        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        Assert.Equal("30", refused.Header("Retry-After"));
        Assert.Contains($"'{database}'", refused.Detail());
        Assert.Equal(2, _hub.Started.Count);
    }

    [Fact]
    public async Task A_start_that_fails_gives_its_admission_slot_back()
    {
        _hub.Status = OrchestrationRuntimeStatus.Running;
        var body = """{"database":"hr"}""";
        _hub.StartFailure = new InvalidOperationException("the task hub is down");

        await Assert.ThrowsAsync<InvalidOperationException>(() => CallAsync(c => _functions.StartBackup(Post(c, "backups", body), _hub, c)));

        // The failed start held no slot: both of the limit's two runs are still admitted.
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await CallAsync(c => _functions.StartBackup(Post(c, "backups", body), _hub, c))).StatusCode);
        }
    }

    [Fact]
    public async Task A_restore_without_a_body_is_a_400_since_it_overwrites_data()
    {
        var response = await CallAsync(c => _functions.StartRestore(Post(c, "restores", ""), _hub, c));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_hub.Started);
    }

    [Fact]
    public async Task A_test_restore_starts_the_test_restore_orchestration()
    {
        var response = await CallAsync(c => _functions.StartRestore(Post(c, "restores", """{"backupId":"latest","database":"app","test":true}"""), _hub, c));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(OrchestrationNames.TestRestore, _hub.Instances[Assert.Single(_hub.Started)].Name);
    }

    [Fact]
    public async Task A_merge_of_a_backup_the_targets_do_not_hold_is_a_400_not_a_failed_run()
    {
        var response = await CallAsync(c => _functions.StartRestore(
            Post(c, "restores", """{"backupId":"20200101T000000Z-none","database":"app","mode":"merge","targetDatabase":"app"}"""), _hub, c));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("20200101T000000Z-none", response.Detail());
        Assert.Empty(_hub.Started);
    }

    [Fact]
    public async Task A_recovery_without_a_body_is_a_400()
    {
        var response = await CallAsync(c => _functions.StartDisasterRecovery(Post(c, "dr", ""), _hub, c));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_hub.Started);
    }

    [Fact]
    public async Task A_base_backup_while_pitr_is_off_is_a_400_that_names_the_setting()
    {
        var response = await CallAsync(c => _functions.StartBaseBackup(Post(c, "basebackups", ""), _hub, c));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("BackupFunctions:Pitr:Enabled=true", response.Detail());
        Assert.Empty(_hub.Started);
    }

    private async Task<FakeHttpResponseData> CallAsync(Func<FunctionContext, Task<Microsoft.Azure.Functions.Worker.Http.HttpResponseData>> call) =>
        (FakeHttpResponseData)await call(app.Context());

    private static FakeHttpRequestData Post(FunctionContext c, string path, string body) => new(c, "POST", "http://localhost/api/" + path, body);
}
