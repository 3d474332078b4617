using System.Net;
using System.Text.Json;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Configuration;

namespace BackupFunctions.Host.Tests.EndToEnd;

/// <summary>
/// POST /api/restores with "mode":"merge": acme's tenant backup, taken over HTTP, merges into a database that holds
/// globex and initech, which stay as they were; merges that make no sense are a 400 before anything starts, and a
/// second merge of the same tenant is refused.
/// </summary>
public sealed class TenantMergeHttpTests : IAsyncLifetime
{
    private const string Fingerprint =
        "SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY id), '')) FROM app.orders t WHERE ";

    private MultiTenantDatabase _db = null!;

    public async Task InitializeAsync() => _db = await MultiTenantDatabase.CreateAsync("e2emrg");

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_tenant_backup_merges_over_http_without_touching_other_tenants_and_bad_merges_are_400()
    {
        await using var control = await TempDatabase.CreateAsync("e2ectl");
        await using var targets = await RealTargets.ForTenantExportAsync(_db.Name, _db.RoleConnectionString, attempts: 1);
        await using var hub = new TestHub();
        var settings = HostSettings.For(control.ConnectionString, hub.Name, productWorkflows: true).WithOptions(targets.Options);
        await using var host = await TestHost.StartAsync(settings);
        var client = host.Client(TestKeys.Admin);
        var tenantBackup = (await RunAsync(client, "/api/backups", """{"kind":"tenant","tenantId":"acme"}""", "Completed")).GetProperty("output").Str("backupId");
        var fullBackup = (await RunAsync(client, "/api/backups", """{"kind":"full"}""", "Completed")).GetProperty("output").Str("backupId");

        // The same schema and policy, holding globex's rows as the source has them and initech's of its own.
        await using var target = await TempDatabase.CreateAsync("e2edst");
        await target.ExecuteAsync("""
            CREATE SCHEMA app;
            CREATE TABLE app.orders (id int PRIMARY KEY, tenant_id text NOT NULL, amount numeric NOT NULL);
            CREATE TABLE app.plans (id int PRIMARY KEY, name text NOT NULL);
            INSERT INTO app.plans VALUES (1, 'basic'), (2, 'pro');
            ALTER TABLE app.orders ENABLE ROW LEVEL SECURITY;
            CREATE POLICY tenant_isolation ON app.orders USING (tenant_id = current_setting('app.tenant_id', true));
            INSERT INTO app.orders SELECT g, 'globex', g * 1.5 FROM generate_series(1, 300) g WHERE g % 3 <> 0;
            INSERT INTO app.orders SELECT g, 'initech', g FROM generate_series(301, 350) g;
            """);
        var othersBefore = await target.ScalarAsync<string>(Fingerprint + "tenant_id <> 'acme'");

        await AssertBadRequestAsync(client, $$"""{"backupId":"{{fullBackup}}","mode":"merge","targetDatabase":"{{target.Name}}"}""", "only a tenant backup can be merged");
        await AssertBadRequestAsync(client, $$"""{"backupId":"{{tenantBackup}}","mode":"merge","targetDatabase":"no_such_db_{{Guid.NewGuid():N}}"}""", "does not exist");
        await AssertBadRequestAsync(client, $$"""{"backupId":"{{tenantBackup}}","mode":"merge","test":true}""", "test restore cannot be a merge");
        await AssertBadRequestAsync(client, $$"""{"backupId":"latest","mode":"merge","targetDatabase":"{{target.Name}}"}""", "not \\\"latest\\\"");
        await AssertBadRequestAsync(client, $$"""{"backupId":"{{tenantBackup}}","mode":"mix","targetDatabase":"{{target.Name}}"}""", "mode 'mix' is not known");
        await AssertBadRequestAsync(client, $$"""{"backupId":"{{tenantBackup}}","replaceTenantRows":true,"targetDatabase":"{{target.Name}}"}""", "only to mode");
        Assert.Equal(othersBefore, await target.ScalarAsync<string>(Fingerprint + "tenant_id <> 'acme'"));

        var merged = await RunAsync(client, "/api/restores", $$"""{"backupId":"{{tenantBackup}}","mode":"merge","targetDatabase":"{{target.Name}}"}""", "Completed");
        var output = merged.GetProperty("output");
        Assert.True(output.GetProperty("succeeded").GetBoolean(), output.ToString());
        Assert.Equal("merge", output.Str("mode"));
        Assert.Equal(MultiTenantDatabase.AcmeOrders, output.GetProperty("rowsRestored").GetInt64());
        var orders = output.GetProperty("mergeChecks").EnumerateArray().Single(c => c.Str("table") == "app.orders");
        Assert.Equal(MultiTenantDatabase.AcmeOrders, orders.GetProperty("merged").GetInt64());
        Assert.Equal(250L, orders.GetProperty("othersBefore").GetInt64());
        Assert.Equal(250L, orders.GetProperty("othersAfter").GetInt64());
        Assert.Equal(await _db.Database.ScalarAsync<string>(Fingerprint + "tenant_id = 'acme'"), await target.ScalarAsync<string>(Fingerprint + "tenant_id = 'acme'"));
        Assert.Equal(othersBefore, await target.ScalarAsync<string>(Fingerprint + "tenant_id <> 'acme'"));

        // acme is there now: merging again must not duplicate it.
        var again = await RunAsync(client, "/api/restores", $$"""{"backupId":"{{tenantBackup}}","mode":"merge","targetDatabase":"{{target.Name}}"}""", "Failed");
        Assert.Contains("already has rows", again.GetRawText());
        Assert.Equal(MultiTenantDatabase.AcmeOrders, await target.ScalarAsync<long>("SELECT count(*) FROM app.orders WHERE tenant_id = 'acme'"));
        var restores = (await (await client.GetAsync("/api/restores")).JsonAsync()).EnumerateArray().ToList();
        Assert.Equal([false, true], restores.Where(r => r.Str("kind") == "merge").Select(r => r.GetProperty("succeeded").GetBoolean()).Order());
        var alerts = await (await client.GetAsync("/api/alerts")).JsonAsync();
        Assert.Contains(alerts.EnumerateArray(), a => a.Str("code") == "restore.merge.failed");
    }

    private static async Task AssertBadRequestAsync(HttpClient client, string body, string expected)
    {
        var response = await client.PostAsync("/api/restores", HttpJson.Body(body));
        var text = (await response.JsonAsync()).GetRawText();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body} → {(int)response.StatusCode} {text}");
        Assert.Contains(expected, text);
    }

    private static async Task<JsonElement> RunAsync(HttpClient client, string url, string body, string expectedStatus)
    {
        var started = await client.PostAsync(url, HttpJson.Body(body));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var statusUrl = (await started.JsonAsync()).Str("statusQueryGetUri");
        var done = await Polling.UntilAsync(
            async () => await (await client.GetAsync(statusUrl)).JsonAsync(),
            s => s.Str("runtimeStatus") is "Completed" or "Failed" or "Terminated",
            $"{url} to finish", maxSeconds: 180);
        Assert.True(done.Str("runtimeStatus") == expectedStatus, $"{url} {body} ended as {done}");
        return done;
    }
}
