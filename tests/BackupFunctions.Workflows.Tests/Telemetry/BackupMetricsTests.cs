using System.Diagnostics.Metrics;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Workflows.Telemetry;

namespace BackupFunctions.Workflows.Tests.Telemetry;

/// <summary>What one recorded backup puts on the BackupFunctions meter (read with a MeterListener, filtered to this test's database).</summary>
public sealed class BackupMetricsTests : IDisposable
{
    private readonly string _database = "metrics_" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<(string Instrument, double Value, Dictionary<string, object?> Tags)> _seen = [];
    private readonly MeterListener _listener = new();
    private readonly BackupMetrics _metrics = new();

    public BackupMetricsTests()
    {
        _listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == BackupTelemetry.MeterName)
            {
                l.EnableMeasurementEvents(i);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Seen(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Seen(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Seen(i, v, tags));
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _metrics.Dispose();
    }

    private void Seen(Instrument i, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, object?>();
        foreach (var t in tags)
        {
            map[t.Key] = t.Value;
        }

        lock (_seen)
        {
            _seen.Add((i.Name, value, map));
        }
    }

    private List<(double Value, Dictionary<string, object?> Tags)> Of(string instrument)
    {
        lock (_seen)
        {
            return _seen.Where(s => s.Instrument == instrument && Equals(s.Tags.GetValueOrDefault("database"), _database)).Select(s => (s.Value, s.Tags)).ToList();
        }
    }

    private BackupManifest Manifest(DateTimeOffset createdAt) => new()
    {
        BackupId = "b-" + createdAt.ToUnixTimeSeconds(), Kind = BackupKind.Full, Database = _database, CreatedAt = createdAt, CompletedAt = createdAt.AddSeconds(4),
        RawBytes = 8000, CompressedBytes = 2000, StoredBytes = 2100, StoredSha256 = new string('a', 64), PlainSha256 = new string('b', 64), KeyId = "k",
        ArtifactKey = "x", Copies = [new TargetCopy("local", "x", true, createdAt), new TargetCopy("s3", "x", false)],
    };

    [Fact]
    public void A_recorded_backup_counts_stored_bytes_per_verified_copy_and_its_ratio_throughput_and_duration()
    {
        var created = new DateTimeOffset(2026, 12, 5, 2, 0, 0, TimeSpan.Zero);
        _metrics.RecordBackup(Manifest(created), "Partial", created.AddSeconds(10));

        var stored = Assert.Single(Of(BackupMetrics.StoredBytes));
        Assert.Equal(2100, stored.Value);
        Assert.Equal("local", stored.Tags["target"]);
        Assert.Equal(8000, Assert.Single(Of(BackupMetrics.RawBytes)).Value);
        Assert.Equal(4.0, Assert.Single(Of(BackupMetrics.CompressionRatio)).Value);
        Assert.Equal(2000.0, Assert.Single(Of(BackupMetrics.Throughput)).Value);
        var duration = Assert.Single(Of(BackupMetrics.BackupDuration));
        Assert.Equal(10.0, duration.Value);
        Assert.Equal("Partial", duration.Tags["status"]);

        // A partial run is not a success: no last-success time yet.
        _listener.RecordObservableInstruments();
        Assert.Empty(Of(BackupMetrics.LastSuccess));
    }

    [Fact]
    public void The_last_success_gauge_keeps_the_newest_time_from_runs_and_from_the_catalog()
    {
        var older = new DateTimeOffset(2026, 12, 4, 2, 0, 0, TimeSpan.Zero);
        var newer = older.AddDays(1);
        _metrics.RecordBackup(Manifest(newer), "Succeeded", newer.AddMinutes(1));
        _metrics.UpdateFromCatalog(new CatalogSnapshot(new Dictionary<string, DateTimeOffset> { [_database] = older }, new Dictionary<string, int> { ["critical"] = 2 }, 55));

        _listener.RecordObservableInstruments();

        Assert.Equal(newer.ToUnixTimeSeconds(), Assert.Single(Of(BackupMetrics.LastSuccess)).Value);
        lock (_seen)
        {
            Assert.Contains(_seen, s => s.Instrument == BackupMetrics.OpenAlerts && Equals(s.Tags["severity"], "critical") && s.Value == 2);
            Assert.Contains(_seen, s => s.Instrument == BackupMetrics.OpenAlerts && Equals(s.Tags["severity"], "warning") && s.Value == 0);
            Assert.Contains(_seen, s => s.Instrument == BackupMetrics.HealthScore && s.Value == 55);
        }
    }
}
