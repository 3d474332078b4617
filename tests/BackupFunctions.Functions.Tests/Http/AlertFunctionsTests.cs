using System.Globalization;
using System.Net;
using System.Text.Json;
using BackupFunctions.Functions.Http;
using BackupFunctions.Functions.Tests.Support;
using BackupFunctions.Workflows.Catalog;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Functions.Tests.Http;

/// <summary>POST /api/alerts/{id}/resolve against the real catalog: resolved once, a second time changes nothing, bad and unknown ids refused.</summary>
public sealed class AlertFunctionsTests(FunctionsApp app) : IClassFixture<FunctionsApp>
{
    private readonly AlertFunctions _functions = app.Create<AlertFunctions>();

    [Fact]
    public async Task An_open_alert_is_resolved_with_the_reason_given_and_a_second_resolve_reports_it_already_was()
    {
        var catalog = app.Services.GetRequiredService<IBackupCatalog>();
        var id = (await catalog.RaiseAlertAsync("critical", "test-resolve", "raised by " + nameof(AlertFunctionsTests), "resolve-" + Guid.NewGuid(), null))
            .ToString(CultureInfo.InvariantCulture);

        var first = await ResolveAsync(id, "?by=ops&reason=disk%20replaced");
        var second = await ResolveAsync(id, "?by=ops");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var body = JsonDocument.Parse(first.BodyText()).RootElement;
        Assert.True(body.GetProperty("resolved").GetBoolean());
        Assert.Equal("disk replaced", body.GetProperty("reason").GetString());
        Assert.NotEqual(JsonValueKind.Null, body.GetProperty("resolvedAt").ValueKind);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.False(JsonDocument.Parse(second.BodyText()).RootElement.GetProperty("resolved").GetBoolean());
    }

    [Fact]
    public async Task Without_a_reason_the_resolver_is_named_in_it()
    {
        var catalog = app.Services.GetRequiredService<IBackupCatalog>();
        var id = (await catalog.RaiseAlertAsync("warning", "test-resolve", "raised", "resolve-" + Guid.NewGuid(), null)).ToString(CultureInfo.InvariantCulture);

        var response = await ResolveAsync(id, "?by=alice");

        Assert.Equal("resolved by alice through the API", JsonDocument.Parse(response.BodyText()).RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task An_id_that_is_not_a_number_is_a_400_and_an_unknown_one_a_404()
    {
        var notNumber = await ResolveAsync("-1", "");
        var unknown = await ResolveAsync("876543210", "");

        Assert.Equal(HttpStatusCode.BadRequest, notNumber.StatusCode);
        Assert.Contains("GET /api/alerts", notNumber.Detail());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("876543210", unknown.Detail());
    }

    private async Task<FakeHttpResponseData> ResolveAsync(string id, string query)
    {
        var context = app.Context("ResolveAlertById");
        return (FakeHttpResponseData)await _functions.Resolve(new FakeHttpRequestData(context, "POST", $"http://localhost/api/alerts/{id}/resolve{query}"), id, context);
    }
}
