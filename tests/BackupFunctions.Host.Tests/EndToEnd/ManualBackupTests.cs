using System.Net;
using System.Text.Json;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Testing;

namespace BackupFunctions.Host.Tests.EndToEnd;

/// <summary>
/// The real thing through HTTP: the product orchestrations in the host, a real source database and three real
/// targets. A manual full backup is started with POST /api/backups and followed through statusQueryGetUri.
/// </summary>
public sealed class ManualBackupTests
{
    [Fact]
    public async Task A_manual_full_backup_completes_with_three_verified_copies_and_a_catalog_row()
    {
        await using var source = await TempDatabase.CreateAsync("e2esrc");
        await source.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 500) g;");
        await using var control = await TempDatabase.CreateAsync("e2ectl");
        await using var targets = await RealTargets.CreateAsync(source.Name);
        await using var hub = new TestHub();
        var settings = HostSettings.For(control.ConnectionString, hub.Name, productWorkflows: true).WithOptions(targets.Options);
        await using var host = await TestHost.StartAsync(settings);
        var client = host.Client(TestKeys.Function);

        var started = await client.PostAsync("/api/backups", HttpJson.Body("""{"kind":"full"}"""));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var statusUrl = (await started.JsonAsync()).Str("statusQueryGetUri");

        var done = await Polling.UntilAsync(
            async () => await (await client.GetAsync(statusUrl)).JsonAsync(),
            s => s.Str("runtimeStatus") is "Completed" or "Failed" or "Terminated",
            "the backup to finish", maxSeconds: 180);
        Assert.True(done.Str("runtimeStatus") == "Completed", $"backup ended as {done}");
        var output = done.GetProperty("output");
        var copies = output.GetProperty("copies").EnumerateArray().ToList();
        Assert.Equal([RealTargets.Azure, RealTargets.Local, RealTargets.S3], copies.Select(c => c.Str("target")).Order());
        Assert.All(copies, c => Assert.True(c.GetProperty("verified").GetBoolean(), $"copy not verified: {c}"));

        var backupId = output.Str("backupId");
        var row = await client.GetAsync($"/api/backups/{Uri.EscapeDataString(backupId)}");
        Assert.Equal(HttpStatusCode.OK, row.StatusCode);
        var backup = await row.JsonAsync();
        Assert.Equal(3, backup.GetProperty("copies").GetArrayLength());
        Assert.Equal(500, backup.GetProperty("rowCounts").EnumerateObject().Single(p => p.Name.EndsWith("items", StringComparison.Ordinal)).Value.GetInt64());
        Assert.Contains((await (await client.GetAsync("/api/backups")).JsonAsync()).EnumerateArray(), b => b.Str("backupId") == backupId);
        Assert.Equal(JsonValueKind.Object, done.GetProperty("customStatus").ValueKind);
    }
}
