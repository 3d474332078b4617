using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Catalog;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Host.Tests.EndToEnd;

/// <summary>
/// GET /api/backups/{id}/manifest?target= and /verifications on a real backup in three real targets: the manifest as
/// each target stores it, checked as a restore checks it (an altered one is a 422, another backup's is not valid, a
/// missing one a 404), and the verification history from the catalog in PostgreSQL, newest first, with test restores
/// in it. A function key is enough.
/// </summary>
public sealed class BackupInspectionHttpTests
{
    [Fact]
    public async Task The_stored_manifest_is_read_per_target_and_an_altered_or_missing_one_is_a_clear_problem()
    {
        await using var source = await TempDatabase.CreateAsync("inspect");
        await source.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items SELECT generate_series(1, 40);");
        await using var control = await TempDatabase.CreateAsync("inspectctl");
        await using var targets = await RealTargets.CreateAsync(source.Name);
        await using var hub = new TestHub();
        var settings = HostSettings.For(control.ConnectionString, hub.Name, productWorkflows: true).WithOptions(targets.Options);
        await using var host = await TestHost.StartAsync(settings);
        var reader = host.Client(TestKeys.Function);
        var backupId = (await HttpRuns.CompleteAsync(reader, "/api/backups", """{"kind":"full"}""")).GetProperty("output").Str("backupId");
        var backup = (await host.Services.GetRequiredService<IBackupCatalog>().GetBackupAsync(backupId))!;

        foreach (var target in new[] { RealTargets.Local, RealTargets.S3, RealTargets.Azure })
        {
            var read = await reader.GetAsync($"/api/backups/{backupId}/manifest?target={target}");
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            var body = await read.JsonAsync();
            Assert.Equal(target, body.Str("target"));
            Assert.True(body.GetProperty("signed").GetBoolean());
            Assert.True(body.GetProperty("valid").GetBoolean());
            Assert.Equal(JsonValueKind.Null, body.GetProperty("problem").ValueKind);
            var manifest = body.GetProperty("manifest");
            Assert.Equal(backupId, manifest.Str("backupId"));
            Assert.Equal(backup.StoredSha256, manifest.Str("storedSha256"), ignoreCase: true);
            Assert.Equal(40, manifest.GetProperty("rowCounts").GetProperty("public.items").GetInt64());
            Assert.Equal(JsonValueKind.Null, manifest.GetProperty("globalsArtifact").ValueKind);
        }

        // Altered in the directory target: the same bytes a restore would read, so the same refusal.
        var key = (await (await reader.GetAsync($"/api/backups/{backupId}/manifest?target={RealTargets.Local}")).JsonAsync()).Str("key");
        var file = Path.Combine(targets.Root, "local", key);
        var node = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
        node["rowCounts"]!["public.items"] = 41;
        await File.WriteAllTextAsync(file, node.ToJsonString());
        var altered = await reader.GetAsync($"/api/backups/{backupId}/manifest?target={RealTargets.Local}");
        Assert.Equal((HttpStatusCode)422, altered.StatusCode);
        Assert.Equal("application/problem+json", altered.Content.Headers.ContentType!.MediaType);
        var alteredDetail = (await altered.JsonAsync()).Str("detail");
        Assert.Contains("damaged", alteredDetail, StringComparison.Ordinal);
        Assert.Contains(RealTargets.Local, alteredDetail, StringComparison.Ordinal);
        // The other targets' copies are untouched by the read.
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/api/backups/{backupId}/manifest?target={RealTargets.S3}")).StatusCode);

        // A genuine, signed manifest of another backup put in this one's place: it verifies, but it is not this backup's.
        var otherId = (await HttpRuns.CompleteAsync(reader, "/api/backups", """{"kind":"full"}""")).GetProperty("output").Str("backupId");
        var otherKey = (await (await reader.GetAsync($"/api/backups/{otherId}/manifest?target={RealTargets.Local}")).JsonAsync()).Str("key");
        File.Copy(Path.Combine(targets.Root, "local", otherKey), file, overwrite: true);
        var moved = await reader.GetAsync($"/api/backups/{backupId}/manifest?target={RealTargets.Local}");
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var movedBody = await moved.JsonAsync();
        Assert.True(movedBody.GetProperty("signed").GetBoolean());
        Assert.False(movedBody.GetProperty("valid").GetBoolean());
        Assert.Contains("copied or moved here", movedBody.Str("problem"), StringComparison.Ordinal);
        Assert.Equal(otherId, movedBody.GetProperty("manifest").Str("backupId"));

        File.Delete(file);
        var missing = await reader.GetAsync($"/api/backups/{backupId}/manifest?target={RealTargets.Local}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("has no manifest.json", (await missing.JsonAsync()).Str("detail"), StringComparison.Ordinal);

        var unknownTarget = await reader.GetAsync($"/api/backups/{backupId}/manifest?target=nowhere");
        Assert.Equal(HttpStatusCode.NotFound, unknownTarget.StatusCode);
        Assert.Contains("'azure'", (await unknownTarget.JsonAsync()).Str("detail"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await reader.GetAsync($"/api/backups/{backupId}/manifest")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync($"/api/backups/no-such-backup/manifest?target=local")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client().GetAsync($"/api/backups/{backupId}/manifest?target=s3")).StatusCode);
    }

    [Fact]
    public async Task The_verification_history_lists_full_reads_and_test_restores_newest_first()
    {
        await using var source = await TempDatabase.CreateAsync("history");
        await source.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items SELECT generate_series(1, 5);");
        await using var control = await TempDatabase.CreateAsync("historyctl");
        await using var targets = await RealTargets.CreateAsync(source.Name);
        await using var hub = new TestHub();
        var settings = HostSettings.For(control.ConnectionString, hub.Name, productWorkflows: true).WithOptions(targets.Options);
        await using var host = await TestHost.StartAsync(settings);
        var reader = host.Client(TestKeys.Function);
        var backupId = (await HttpRuns.CompleteAsync(reader, "/api/backups", """{"kind":"full"}""")).GetProperty("output").Str("backupId");
        var catalog = host.Services.GetRequiredService<IBackupCatalog>();

        var empty = await reader.GetAsync($"/api/backups/{backupId}/verifications");
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Equal(0, (await empty.JsonAsync()).GetArrayLength());

        // Recorded the way the integrity check and the test restore record them (checked_at is the database's now()).
        await catalog.RecordCopyCheckAsync(backupId, RealTargets.S3, intact: false, "manifest.json in target 's3' is invalid: " + new string('x', 200), null, "integrity-1");
        await catalog.RecordCopyCheckAsync(backupId, RealTargets.S3, intact: true, null, null, "integrity-2");
        var later = DateTimeOffset.UtcNow.AddMinutes(5);
        await catalog.RecordRestoreAsync(new CatalogRestore(0, backupId, "test", "scratch_h", RealTargets.Azure, false, later.AddMinutes(-1), later, "rows differ in public.items", "testrestore-1"));
        await catalog.RecordRestoreAsync(new CatalogRestore(0, backupId, "restore", "elsewhere", RealTargets.Azure, true, later, later, null, "restore-1"));

        var history = (await (await reader.GetAsync($"/api/backups/{backupId}/verifications")).JsonAsync()).EnumerateArray().ToList();
        Assert.Equal(
            [("test-restore", RealTargets.Azure, "failed"), ("full-read", RealTargets.S3, "intact"), ("full-read", RealTargets.S3, "damaged")],
            history.Select(v => (v.Str("kind"), v.Str("target"), v.Str("result"))).ToList());
        Assert.Equal("rows differ in public.items", history[0].Str("detail"));
        Assert.False(history[0].GetProperty("passed").GetBoolean());
        Assert.True(history[1].GetProperty("passed").GetBoolean());
        Assert.StartsWith("manifest.json in target 's3' is invalid", history[2].Str("detail"), StringComparison.Ordinal);
        Assert.Equal("integrity-1", history[2].Str("instanceId"));
        Assert.True(history[0].GetProperty("at").GetDateTimeOffset() > history[1].GetProperty("at").GetDateTimeOffset());

        Assert.Equal(1, (await (await reader.GetAsync($"/api/backups/{backupId}/verifications?limit=1")).JsonAsync()).GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await reader.GetAsync($"/api/backups/{backupId}/verifications?limit=0")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync("/api/backups/no-such-backup/verifications")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client().GetAsync($"/api/backups/{backupId}/verifications")).StatusCode);
    }
}
