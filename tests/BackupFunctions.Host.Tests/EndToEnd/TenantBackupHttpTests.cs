using System.Net;
using System.Text.Json;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Configuration;

namespace BackupFunctions.Host.Tests.EndToEnd;

/// <summary>
/// A tenant backup started over HTTP: a multi-tenant schema whose policy reads current_setting('app.tenant_id'),
/// exported through a role that RLS applies to (no BYPASSRLS), holds only that tenant's rows, as the catalog and the
/// manifest written next to the artifact say.
/// </summary>
public sealed class TenantBackupHttpTests : IAsyncLifetime
{
    private MultiTenantDatabase _db = null!;

    public async Task InitializeAsync() => _db = await MultiTenantDatabase.CreateAsync("e2etnt");

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_tenant_backup_over_http_completes_and_holds_only_that_tenants_rows()
    {
        await using var control = await TempDatabase.CreateAsync("e2ectl");
        await using var targets = await RealTargets.ForTenantExportAsync(_db.Name, _db.RoleConnectionString, attempts: 2);
        await using var hub = new TestHub();
        var settings = HostSettings.For(control.ConnectionString, hub.Name, productWorkflows: true).WithOptions(targets.Options);
        await using var host = await TestHost.StartAsync(settings);
        var client = host.Client(TestKeys.Function);

        var started = await client.PostAsync("/api/backups", HttpJson.Body("""{"kind":"tenant","tenantId":"acme"}"""));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var statusUrl = (await started.JsonAsync()).Str("statusQueryGetUri");

        var done = await Polling.UntilAsync(
            async () =>
            {
                var response = await client.GetAsync(statusUrl);
                var body = await response.JsonAsync();
                Assert.Equal(body.Str("runtimeStatus") is "Running" or "Pending" ? HttpStatusCode.Accepted : HttpStatusCode.OK, response.StatusCode);
                return body;
            },
            s => s.Str("runtimeStatus") is "Completed" or "Failed" or "Terminated",
            "the tenant backup to finish", maxSeconds: 120);
        Assert.True(done.Str("runtimeStatus") == "Completed", $"tenant backup ended as {done}");
        var output = done.GetProperty("output");
        Assert.Equal("Succeeded", output.Str("status"));
        Assert.Equal("tenant", output.Str("kind"));
        Assert.All(output.GetProperty("copies").EnumerateArray(), c => Assert.True(c.GetProperty("verified").GetBoolean(), $"copy not verified: {c}"));
        var backupId = output.Str("backupId");

        // The catalog: acme's 100 orders of 300, and the unfiltered plans table whole.
        var row = await client.GetAsync($"/api/backups/{Uri.EscapeDataString(backupId)}");
        Assert.Equal(HttpStatusCode.OK, row.StatusCode);
        var backup = await row.JsonAsync();
        // The catalog spells kinds as the enum does ("Tenant"), the run summary in lower case.
        Assert.Equal("tenant", backup.Str("kind"), ignoreCase: true);
        Assert.Equal("acme", backup.Str("tenantId"));
        Assert.Equal(3, backup.GetProperty("copies").GetArrayLength());
        AssertAcmeOnly(backup.GetProperty("rowCounts"));

        // The manifest next to the artifact says the same.
        var manifestPath = Directory.EnumerateFiles(targets.Options.Targets.Single(t => t.Name == RealTargets.Local).Path!, "manifest.json", SearchOption.AllDirectories)
            .Single(p => p.Contains(backupId, StringComparison.Ordinal));
        var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(manifestPath)).RootElement;
        Assert.Equal("acme", Property(manifest, "tenantId").GetString());
        AssertAcmeOnly(Property(manifest, "rowCounts"));
    }

    private static void AssertAcmeOnly(JsonElement rowCounts)
    {
        var counts = rowCounts.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        Assert.True(counts.TryGetValue("app.orders", out var orders), $"no app.orders in {rowCounts}");
        Assert.Equal(100, orders);
        Assert.True(counts.TryGetValue("app.plans", out var plans), $"no app.plans in {rowCounts}");
        Assert.Equal(2, plans);
    }

    /// <summary>A manifest property whatever its case (the file format is not the API's JSON).</summary>
    private static JsonElement Property(JsonElement e, string name) =>
        e.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: not JsonValueKind.Undefined } p
            ? p.Value
            : throw new KeyNotFoundException($"no '{name}' in the manifest {e}");
}
