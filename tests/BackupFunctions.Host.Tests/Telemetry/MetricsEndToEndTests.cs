using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using BackupFunctions.Host.Tests.Support;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Telemetry;

namespace BackupFunctions.Host.Tests.Telemetry;

/// <summary>
/// A real full backup through the host (real source, three real targets), then GET /metrics as Prometheus scrapes it:
/// the BackupFunctions meter's series for that database carry the catalog's numbers, and every activity of the
/// orchestration was a span tagged with its instance id, all in the orchestration's one trace.
/// </summary>
public sealed class MetricsEndToEndTests
{
    [Fact]
    public async Task After_a_backup_metrics_report_its_bytes_per_target_its_duration_and_last_success_and_each_activity_was_a_span()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == BackupTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);

        await using var source = await TempDatabase.CreateAsync("metsrc");
        await source.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, repeat('item ', 20) || g FROM generate_series(1, 2000) g;");
        await using var control = await TempDatabase.CreateAsync("metctl");
        await using var targets = await RealTargets.CreateAsync(source.Name);
        await using var hub = new TestHub();
        var settings = HostSettings.For(control.ConnectionString, hub.Name, productWorkflows: true).WithOptions(targets.Options);
        await using var host = await TestHost.StartAsync(settings);
        var client = host.Client(TestKeys.Function);

        var started = await client.PostAsync("/api/backups", HttpJson.Body("""{"kind":"full"}"""));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var startedJson = await started.JsonAsync();
        var done = await Polling.UntilAsync(
            async () => await (await client.GetAsync(startedJson.Str("statusQueryGetUri"))).JsonAsync(),
            s => s.Str("runtimeStatus") is "Completed" or "Failed" or "Terminated",
            "the backup to finish", maxSeconds: 180);
        Assert.True(done.Str("runtimeStatus") == "Completed", $"backup ended as {done}");
        var backup = await (await client.GetAsync($"/api/backups/{Uri.EscapeDataString(done.GetProperty("output").Str("backupId"))}")).JsonAsync();
        var storedBytes = backup.GetProperty("storedBytes").GetInt64();
        var rawBytes = backup.GetProperty("rawBytes").GetInt64();
        var copies = backup.GetProperty("copies").EnumerateArray().Select(c => c.Str("target")).Order().ToList();
        Assert.Equal([RealTargets.Azure, RealTargets.Local, RealTargets.S3], copies);

        // The scrape needs no key by default (BackupFunctions:Telemetry:PrometheusRequiresKey=false).
        var scrape = await host.Client().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        var samples = PrometheusText.Parse(await scrape.Content.ReadAsStringAsync());
        var mine = samples.Where(s => s.Label("database") == source.Name).ToList();
        PrometheusSample One(string name, string? target = null) =>
            Assert.Single(mine, s => s.Name == name && (target is null || s.Label("target") == target));

        foreach (var target in copies)
        {
            var stored = One("backupfunctions_backup_stored_bytes_total", target);
            Assert.Equal(storedBytes, (long)stored.Value);
            Assert.Equal("Full", stored.Label("kind"));
        }

        Assert.Equal(rawBytes, (long)One("backupfunctions_backup_raw_bytes_total").Value);
        Assert.Equal(1, One("backupfunctions_backup_runs_total").Value);
        Assert.Equal("Succeeded", One("backupfunctions_backup_runs_total").Label("status"));
        Assert.Equal(1, One("backupfunctions_backup_duration_seconds_count").Value);
        Assert.True(One("backupfunctions_backup_duration_seconds_sum").Value > 0);
        Assert.Equal(1, One("backupfunctions_backup_compression_ratio_count").Value);
        Assert.Equal(1, One("backupfunctions_backup_throughput_bytes_per_second_count").Value);
        var lastSuccess = One("backupfunctions_backup_last_success_seconds");
        Assert.Equal(backup.GetProperty("createdAt").GetDateTimeOffset().ToUnixTimeSeconds(), (long)lastSuccess.Value);
        foreach (var target in copies)
        {
            Assert.Contains(samples, s => s.Name == "backupfunctions_upload_throughput_bytes_per_second_count" && s.Label("target") == target && s.Value >= 1);
        }

        Assert.Contains(samples, s => s.Name == "backupfunctions_alerts_open" && s.Label("severity") == "critical");

        // One span per activity execution of this orchestration, each with its instance id; per-target steps name the target.
        var instanceId = startedJson.Str("id");
        var ours = spans.Where(s => (string?)s.GetTagItem(BackupTelemetry.InstanceIdTag) == instanceId).ToList();
        var names = ours.Select(s => (string?)s.GetTagItem(BackupTelemetry.ActivityNameTag)).ToHashSet();
        Assert.Superset(new HashSet<string?> { "PreflightSource", "DumpCompressEncrypt", "VerifyChecksum", "WriteManifest", "RecordCatalog", "CleanupStaging" }, names);
        Assert.Equal(copies, ours.Where(s => (string?)s.GetTagItem(BackupTelemetry.ActivityNameTag) == "VerifyChecksum")
            .Select(s => (string)s.GetTagItem(BackupTelemetry.TargetTag)!).Order());
        // One trace for the whole orchestration, across the worker's activity executions on the Azure Storage task hub:
        // the engine's own spans are not listened to here, so it is the trace derived from the instance id.
        Assert.Equal(BackupTelemetry.TraceIdOf(instanceId), Assert.Single(ours.Select(s => s.TraceId.ToHexString()).Distinct()));
        Assert.DoesNotContain(spans, s => (string?)s.GetTagItem(BackupTelemetry.InstanceIdTag) is { } other && other != instanceId
            && s.TraceId.ToHexString() == BackupTelemetry.TraceIdOf(instanceId));
    }

    [Fact]
    public async Task The_scrape_endpoint_can_require_a_function_key_or_be_turned_off()
    {
        await using var control = await TempDatabase.CreateAsync("metkey");
        await using var hub = new TestHub();
        await using (var keyed = await TestHost.StartAsync(HostSettings.For(control.ConnectionString, hub.Name)
                         .With("BackupFunctions:Telemetry:PrometheusRequiresKey", "true")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await keyed.Client().GetAsync("/metrics")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await keyed.Client(TestKeys.Function).GetAsync("/metrics")).StatusCode);
        }

        await using var off = await TestHost.StartAsync(HostSettings.For(control.ConnectionString, hub.Name)
            .With("BackupFunctions:Telemetry:PrometheusPath", ""));
        Assert.Equal(HttpStatusCode.NotFound, (await off.Client().GetAsync("/metrics")).StatusCode);
    }
}
