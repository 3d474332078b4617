using System.Net;
using BackupFunctions.Host.Tests.Support;

namespace BackupFunctions.Host.Tests.Http;

/// <summary>POST /api/alerts/{id}/resolve: an admin's call (it ends an alert for everyone), 404 and 400 for bad ids.</summary>
[Collection(HostCollection.Name)]
public sealed class AlertResolveApiTests(TestHostFixture fixture)
{
    [Fact]
    public async Task Resolving_takes_the_admin_key_and_keeps_the_reason()
    {
        var refused = await fixture.FunctionClient.PostAsync($"/api/alerts/{FakeCatalog.KnownAlertId}/resolve?by=mallory", null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.DoesNotContain(fixture.Catalog.Resolved, r => r.Reason.Contains("mallory", StringComparison.Ordinal));

        var ok = await fixture.AdminClient.PostAsync($"/api/alerts/{FakeCatalog.KnownAlertId}/resolve?by=alice&reason=disk%20replaced", null);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var body = await ok.JsonAsync();
        Assert.True(body.GetProperty("resolved").GetBoolean());
        Assert.Equal("disk replaced", body.GetProperty("reason").GetString());
        Assert.Contains((FakeCatalog.KnownAlertId, "disk replaced"), fixture.Catalog.Resolved);

        Assert.Equal(HttpStatusCode.NotFound, (await fixture.AdminClient.PostAsync("/api/alerts/999/resolve", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.AdminClient.PostAsync("/api/alerts/abc/resolve", null)).StatusCode);
    }
}
