using System.Net;
using System.Text.Json;
using BackupFunctions.Functions.Http;
using BackupFunctions.Functions.Tests.Support;
using BackupFunctions.Workflows.Catalog;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Functions.Tests.Http;

/// <summary>
/// The read routes and acknowledging an alert, run against the catalog in a real control database: what a bad
/// query, an unknown id and a good request answer.
/// </summary>
public sealed class CatalogFunctionsTests(FunctionsApp app) : IClassFixture<FunctionsApp>
{
    private readonly CatalogFunctions _functions = app.Create<CatalogFunctions>();

    [Fact]
    public async Task A_limit_out_of_range_is_a_400_that_names_the_parameter()
    {
        var response = await CallAsync(c => _functions.ListBackups(Get(c, "backups?limit=0"), c));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Header("Content-Type"));
        Assert.Contains("limit", response.Detail());
    }

    [Fact]
    public async Task Listing_backups_of_an_empty_catalog_is_an_empty_array()
    {
        var response = await CallAsync(c => _functions.ListBackups(Get(c, "backups?database=app&limit=5"), c));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(response.BodyText()).RootElement.ValueKind);
        Assert.Equal(0, JsonDocument.Parse(response.BodyText()).RootElement.GetArrayLength());
    }

    [Fact]
    public async Task An_unknown_backup_id_is_a_404_that_says_where_the_list_is()
    {
        var response = await CallAsync(c => _functions.GetBackup(Get(c, "backups/no-such-backup"), "no-such-backup", c));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("'no-such-backup'", response.Detail());
        Assert.Contains("GET /api/backups", response.Detail());
    }

    [Fact]
    public async Task Restores_are_listed_and_a_bad_limit_is_refused()
    {
        var ok = await CallAsync(c => _functions.ListRestores(Get(c, "restores?limit=3"), c));
        var bad = await CallAsync(c => _functions.ListRestores(Get(c, "restores?limit=abc"), c));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("limit", bad.Detail());
    }

    [Fact]
    public async Task A_raised_alert_is_listed_then_acknowledged_and_then_hidden_from_the_default_list()
    {
        var catalog = app.Services.GetRequiredService<IBackupCatalog>();
        var id = await catalog.RaiseAlertAsync("warning", "test-ack", "raised by " + nameof(CatalogFunctionsTests), "ack-" + Guid.NewGuid(), null);

        var before = await CallAsync(c => _functions.ListAlerts(Get(c, "alerts"), c));
        Assert.Contains(id, AlertIds(before));

        var ack = await CallAsync(c => _functions.AckAlert(Post(c, $"alerts/{id}/ack?by=ops"), id.ToString(System.Globalization.CultureInfo.InvariantCulture), c));
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var body = JsonDocument.Parse(ack.BodyText()).RootElement;
        Assert.Equal(id, body.GetProperty("id").GetInt64());
        Assert.True(body.GetProperty("acknowledged").GetBoolean());
        Assert.Equal("ops", body.GetProperty("by").GetString());

        var after = await CallAsync(c => _functions.ListAlerts(Get(c, "alerts"), c));
        Assert.DoesNotContain(id, AlertIds(after));
        var all = await CallAsync(c => _functions.ListAlerts(Get(c, "alerts?includeAcknowledged=true"), c));
        Assert.Contains(id, AlertIds(all));
    }

    [Fact]
    public async Task Acknowledging_an_alert_id_that_is_not_a_number_is_a_400_and_an_unknown_one_a_404()
    {
        var notNumber = await CallAsync(c => _functions.AckAlert(Post(c, "alerts/x1/ack"), "x1", c));
        var unknown = await CallAsync(c => _functions.AckAlert(Post(c, "alerts/987654321/ack"), "987654321", c));

        Assert.Equal(HttpStatusCode.BadRequest, notNumber.StatusCode);
        Assert.Contains("'x1' is not a number", notNumber.Detail());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("987654321", unknown.Detail());
    }

    [Fact]
    public async Task A_bad_include_acknowledged_value_is_a_400()
    {
        var response = await CallAsync(c => _functions.ListAlerts(Get(c, "alerts?includeAcknowledged=maybe"), c));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("includeAcknowledged", response.Detail());
    }

    [Fact]
    public async Task Health_answers_the_score_and_its_reasons()
    {
        var response = await CallAsync(c => _functions.Health(Get(c, "health"), c));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var health = JsonDocument.Parse(response.BodyText()).RootElement;
        Assert.InRange(health.GetProperty("score").GetInt32(), 0, 100);
        Assert.False(string.IsNullOrEmpty(health.GetProperty("status").GetString()));
        Assert.Equal(JsonValueKind.Array, health.GetProperty("reasons").ValueKind);
    }

    private static List<long> AlertIds(FakeHttpResponseData response) =>
        [.. JsonDocument.Parse(response.BodyText()).RootElement.EnumerateArray().Select(a => a.GetProperty("id").GetInt64())];

    private async Task<FakeHttpResponseData> CallAsync(Func<Microsoft.Azure.Functions.Worker.FunctionContext, Task<Microsoft.Azure.Functions.Worker.Http.HttpResponseData>> call) =>
        (FakeHttpResponseData)await call(app.Context());

    private static FakeHttpRequestData Get(Microsoft.Azure.Functions.Worker.FunctionContext c, string path) => new(c, "GET", "http://localhost/api/" + path);

    private static FakeHttpRequestData Post(Microsoft.Azure.Functions.Worker.FunctionContext c, string path) => new(c, "POST", "http://localhost/api/" + path);
}
