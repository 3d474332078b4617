using System.Net;
using System.Text.Json;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Workflows.Orchestrations;

namespace BackupFunctions.Host.Tests.Http;

/// <summary>POST /api/backups and /api/restores, the catalog reads, and the 400/401/403 rules.</summary>
[Collection(HostCollection.Name)]
public sealed class ProductApiTests(TestHostFixture fixture)
{
    [Fact]
    public async Task Starting_a_backup_answers_202_with_location_retry_after_and_the_management_payload()
    {
        var response = await fixture.FunctionClient.PostAsync("/api/backups", HttpJson.Body("""{"kind":"Full","database":"app","targets":["local"]}"""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("10", response.Headers.GetValues("Retry-After").Single());
        var body = await response.JsonAsync();
        var id = body.Str("id");
        var instance = $"{fixture.Host.BaseAddress.ToString().TrimEnd('/')}/runtime/webhooks/durabletask/instances/{id}";
        Assert.Equal(instance, body.Str("statusQueryGetUri"));
        Assert.Equal(instance, response.Headers.Location!.ToString());
        Assert.Equal(instance + "/raiseEvent/{eventName}", body.Str("sendEventPostUri"));
        Assert.Equal(instance + "/terminate?reason={text}", body.Str("terminatePostUri"));
        Assert.Equal(instance, body.Str("purgeHistoryDeleteUri"));
        Assert.Equal(instance + "/restart", body.Str("restartPostUri"));
        Assert.Equal(instance + "/suspend?reason={text}", body.Str("suspendPostUri"));
        Assert.Equal(instance + "/resume?reason={text}", body.Str("resumePostUri"));

        // The stand-in returns its input: the host started FullBackupOrchestrator with the request, kind normalized.
        var done = await fixture.FunctionClient.StatusUntilAsync(body.Str("statusQueryGetUri"), "Completed");
        Assert.Equal(OrchestrationNames.FullBackup, done.Str("name"));
        Assert.Equal("full", done.GetProperty("output").Str("kind"));
        Assert.Equal("app", done.GetProperty("output").Str("database"));
    }

    [Fact]
    public async Task A_base_backup_needs_a_key_and_is_a_400_naming_the_setting_while_pitr_is_not_enabled()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Anonymous.PostAsync("/api/basebackups", HttpJson.Body(""))).StatusCode);

        var response = await fixture.FunctionClient.PostAsync("/api/basebackups", HttpJson.Body(""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("BackupFunctions:Pitr:Enabled", (await response.JsonAsync()).GetRawText());
    }

    [Fact]
    public async Task A_key_sent_as_code_travels_in_the_urls_and_a_header_key_does_not()
    {
        var withCode = await fixture.Anonymous.PostAsync($"/api/backups?code={TestKeys.Function}", HttpJson.Body("""{"kind":"files"}"""));
        Assert.Equal(HttpStatusCode.Accepted, withCode.StatusCode);
        var body = await withCode.JsonAsync();
        Assert.EndsWith($"?code={TestKeys.Function}", body.Str("statusQueryGetUri"));
        Assert.EndsWith($"/terminate?reason={{text}}&code={TestKeys.Function}", body.Str("terminatePostUri"));
        var done = await fixture.Anonymous.StatusUntilAsync(body.Str("statusQueryGetUri"), "Completed");
        Assert.Equal(OrchestrationNames.FilesBackup, done.Str("name"));

        var withHeader = await (await fixture.FunctionClient.PostAsync("/api/backups", HttpJson.Body("{}"))).JsonAsync();
        Assert.DoesNotContain("code=", withHeader.Str("statusQueryGetUri"));
    }

    [Fact]
    public async Task A_tenant_backup_starts_the_tenant_orchestration()
    {
        var response = await fixture.FunctionClient.PostAsync("/api/backups", HttpJson.Body("""{"kind":"tenant","tenantId":"t-42"}"""));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var done = await fixture.FunctionClient.StatusUntilAsync((await response.JsonAsync()).Str("statusQueryGetUri"), "Completed");
        Assert.Equal(OrchestrationNames.TenantBackup, done.Str("name"));
        Assert.Equal("t-42", done.GetProperty("output").Str("tenantId"));
    }

    [Theory]
    [InlineData("{\"kind\":", "not valid JSON")]
    [InlineData("[1,2]", "not valid JSON")]
    [InlineData("null", "JSON null")]
    [InlineData("{\"kind\":\"weekly\"}", "kind 'weekly' is not known")]
    [InlineData("{\"kind\":\"full\",\"targets\":[\"local\",\"tape\"]}", "target 'tape' is not configured")]
    [InlineData("{\"kind\":\"tenant\"}", "tenantId is required")]
    [InlineData("{\"kind\":\"full\",\"databse\":\"app\"}", "databse")]
    [InlineData("{\"kind\":5}", "not valid JSON")]
    [InlineData("{\"kind\":\"full\",\"database\":\"App\"}", "database 'App' is not configured for backups; configured databases: app, reports.")]
    public async Task Bad_backup_requests_get_400_problem_details_that_say_what_is_wrong(string json, string expected)
    {
        var response = await fixture.FunctionClient.PostAsync("/api/backups", HttpJson.Body(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Contains(expected, problem.Str("detail"));
    }

    [Theory]
    [InlineData("""{"kind":"tenant","tenantId":"t-1","database":"app","backupId":"20260101T020000Z-full-app"}""")]
    [InlineData("""{"kind":"full","backupId":"20260101T020000Z-full-app"}""")]
    [InlineData("""{"backupId":null}""")]
    public async Task A_backup_id_in_the_request_is_refused_because_the_server_mints_every_id(string json)
    {
        var response = await fixture.FunctionClient.PostAsync("/api/backups", HttpJson.Body(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("backupId", (await response.JsonAsync()).Str("detail"));
    }

    [Fact]
    public async Task A_database_that_is_not_configured_is_refused_naming_the_configured_ones_and_no_connection_details()
    {
        var response = await fixture.FunctionClient.PostAsync("/api/backups", HttpJson.Body("""{"kind":"tenant","tenantId":"t-1","database":"postgres"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(["database 'postgres' is not configured for backups; configured databases: app, reports. " +
            "Leave database out for the default, or add it to BackupFunctions:Source:Databases."],
            problem.GetProperty("errors").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain(TestHostFixture.SourcePassword, text);
        Assert.DoesNotContain("Host=", text);
        Assert.DoesNotContain("127.0.0.1", text);

        // A configured one that is not the default is accepted.
        var listed = await fixture.FunctionClient.PostAsync("/api/backups", HttpJson.Body("""{"kind":"full","database":"reports"}"""));
        Assert.Equal(HttpStatusCode.Accepted, listed.StatusCode);
        var done = await fixture.FunctionClient.StatusUntilAsync((await listed.JsonAsync()).Str("statusQueryGetUri"), "Completed");
        Assert.Equal("reports", done.GetProperty("output").Str("database"));
    }

    [Fact]
    public async Task Restores_need_the_admin_key_and_a_body()
    {
        const string body = """{"backupId":"latest","database":"app"}""";
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Anonymous.PostAsync("/api/restores", HttpJson.Body(body))).StatusCode);
        var forbidden = await fixture.FunctionClient.PostAsync("/api/restores", HttpJson.Body(body));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("admin key", (await forbidden.JsonAsync()).Str("detail"));

        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.AdminClient.PostAsync("/api/restores", HttpJson.Body(""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.AdminClient.PostAsync("/api/restores", HttpJson.Body("""{"backupId":" "}"""))).StatusCode);

        var started = await fixture.AdminClient.PostAsync("/api/restores", HttpJson.Body(body));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var done = await fixture.AdminClient.StatusUntilAsync((await started.JsonAsync()).Str("statusQueryGetUri"), "Completed");
        Assert.Equal(OrchestrationNames.Restore, done.Str("name"));
        Assert.Equal("latest", done.GetProperty("output").Str("backupId"));
    }

    [Fact]
    public async Task Disaster_recovery_needs_the_admin_key_a_new_server_and_no_password_in_the_request()
    {
        const string body = """{"backupId":"latest","database":"app","targetConnectionString":"Host=new-db;Username=restorer"}""";
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Anonymous.PostAsync("/api/dr", HttpJson.Body(body))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.FunctionClient.PostAsync("/api/dr", HttpJson.Body(body))).StatusCode);

        var missing = await fixture.AdminClient.PostAsync("/api/dr", HttpJson.Body("""{"backupId":"latest"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("targetConnectionString is required", (await missing.JsonAsync()).GetRawText());
        var password = await fixture.AdminClient.PostAsync("/api/dr", HttpJson.Body("""{"targetConnectionString":"Host=new-db;Username=u;Password=secret"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, password.StatusCode);
        Assert.DoesNotContain("secret", (await password.JsonAsync()).GetRawText());

        var started = await fixture.AdminClient.PostAsync("/api/dr", HttpJson.Body(body));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var payload = await started.JsonAsync();
        Assert.StartsWith("dr-", payload.Str("id"));
        Assert.Contains("/raiseEvent/{eventName}", payload.Str("sendEventPostUri"));
        var done = await fixture.AdminClient.StatusUntilAsync(payload.Str("statusQueryGetUri"), "Completed");
        Assert.Equal(OrchestrationNames.DisasterRecovery, done.Str("name"));
    }

    [Fact]
    public async Task A_restore_with_test_true_starts_the_test_restore_orchestration()
    {
        var started = await fixture.AdminClient.PostAsync("/api/restores", HttpJson.Body("{\"backupId\":\"latest\",\"test\":true}"));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var done = await fixture.AdminClient.StatusUntilAsync((await started.JsonAsync()).Str("statusQueryGetUri"), "Completed");
        Assert.Equal(OrchestrationNames.TestRestore, done.Str("name"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task No_or_an_unknown_key_gets_401_problem_details(string? key)
    {
        var client = fixture.Host.Client(key);
        foreach (var (method, url) in new[] { ("GET", "/api/backups"), ("POST", "/api/backups"), ("GET", "/api/alerts"), ("GET", "/runtime/webhooks/durabletask/instances") })
        {
            var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = HttpJson.Body("{}") });
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Anonymous.GetAsync("/api/backups?code=wrong")).StatusCode);
    }

    [Fact]
    public async Task The_admin_key_opens_function_level_routes_too()
    {
        Assert.Equal(HttpStatusCode.OK, (await fixture.AdminClient.GetAsync("/api/backups")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Anonymous.GetAsync($"/api/backups?code={TestKeys.Admin}")).StatusCode);
    }

    [Fact]
    public async Task Catalog_reads_list_get_and_404_for_a_missing_backup()
    {
        var list = await (await fixture.FunctionClient.GetAsync("/api/backups?database=app")).JsonAsync();
        Assert.Equal(FakeCatalog.KnownBackupId, Assert.Single(list.EnumerateArray()).Str("backupId"));

        var one = await fixture.FunctionClient.GetAsync($"/api/backups/{FakeCatalog.KnownBackupId}");
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        var backup = await one.JsonAsync();
        Assert.Equal("local", backup.GetProperty("copies")[0].Str("target"));

        Assert.Equal(HttpStatusCode.NotFound, (await fixture.FunctionClient.GetAsync("/api/backups/nope")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.FunctionClient.GetAsync("/api/backups?limit=0")).StatusCode);

        var restores = await (await fixture.FunctionClient.GetAsync("/api/restores")).JsonAsync();
        Assert.Equal("test", restores[0].Str("kind"));
    }

    [Fact]
    public async Task Alerts_list_and_acknowledge_with_404_for_a_missing_alert()
    {
        var alerts = await (await fixture.FunctionClient.GetAsync("/api/alerts")).JsonAsync();
        Assert.Equal(FakeCatalog.KnownAlertId, alerts[0].GetProperty("id").GetInt64());

        // Acknowledging silences an alert for everyone: an admin's call, as in the Function App.
        var refused = await fixture.FunctionClient.PostAsync($"/api/alerts/{FakeCatalog.KnownAlertId}/ack?by=mallory", null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.DoesNotContain((FakeCatalog.KnownAlertId, "mallory"), fixture.Catalog.Acknowledged);

        var ack = await fixture.AdminClient.PostAsync($"/api/alerts/{FakeCatalog.KnownAlertId}/ack?by=alice", null);
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.Contains((FakeCatalog.KnownAlertId, "alice"), fixture.Catalog.Acknowledged);

        Assert.Equal(HttpStatusCode.NotFound, (await fixture.AdminClient.PostAsync("/api/alerts/999/ack", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.AdminClient.PostAsync("/api/alerts/abc/ack", null)).StatusCode);
    }

    [Fact]
    public async Task Health_score_and_probes_are_open_without_a_key()
    {
        var health = await fixture.Anonymous.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var report = await health.JsonAsync();
        Assert.Equal(80, report.GetProperty("score").GetInt32());
        Assert.Equal("one open critical alert", report.GetProperty("reasons")[0].GetString());

        Assert.Equal(HttpStatusCode.OK, (await fixture.Anonymous.GetAsync("/healthz/live")).StatusCode);
        var ready = await fixture.Anonymous.GetAsync("/healthz/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", (await ready.JsonAsync()).Str("status"));
    }
}
