using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using BackupFunctions.Pipeline.Manifests;

namespace BackupFunctions.Workflows.Telemetry;

/// <summary>
/// The "BackupFunctions" meter. Backups are recorded by the activities that finish them (<see cref="RecordBackup"/> from
/// RecordCatalog, <see cref="RecordUpload"/> from UploadArtifact), so a replayed orchestration never counts twice;
/// the gauges read a snapshot of the catalog that <see cref="CatalogMetricsRefresher"/> keeps fresh, so every host
/// reports the same last-success times and open alerts whichever host ran the backup. docs/metrics.md lists them.
/// </summary>
public sealed class BackupMetrics : IDisposable
{
    public const string BackupRuns = "backupfunctions.backup.runs";
    public const string BackupDuration = "backupfunctions.backup.duration";
    public const string RawBytes = "backupfunctions.backup.raw_bytes";
    public const string StoredBytes = "backupfunctions.backup.stored_bytes";
    public const string Throughput = "backupfunctions.backup.throughput";
    public const string CompressionRatio = "backupfunctions.backup.compression_ratio";
    public const string UploadThroughput = "backupfunctions.upload.throughput";
    public const string LastSuccess = "backupfunctions.backup.last_success";
    public const string OpenAlerts = "backupfunctions.alerts.open";
    public const string HealthScore = "backupfunctions.health.score";

    /// <summary>Always reported, at 0 when none is open, so a dashboard's series never vanish.</summary>
    private static readonly string[] KnownSeverities = ["critical", "warning", "info"];

    private readonly Meter _meter = new(BackupTelemetry.MeterName);
    private readonly Counter<long> _runs;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _raw;
    private readonly Counter<long> _stored;
    private readonly Histogram<double> _throughput;
    private readonly Histogram<double> _ratio;
    private readonly Histogram<double> _uploadThroughput;
    private readonly ConcurrentDictionary<(string Database, string Kind), DateTimeOffset> _lastSuccess = new();
    private volatile CatalogSnapshot? _catalog;

    public BackupMetrics()
    {
        _runs = _meter.CreateCounter<long>(BackupRuns, "{run}", "Backup runs recorded in the catalog, by outcome.");
        _duration = _meter.CreateHistogram<double>(BackupDuration, "s", "From the dump's start to the catalog record: dump, upload, read-back, manifest.");
        _raw = _meter.CreateCounter<long>(RawBytes, "By", "Bytes the dump (or archive) produced before compression.");
        _stored = _meter.CreateCounter<long>(StoredBytes, "By", "Bytes stored, counted once per verified copy (per target).");
        _throughput = _meter.CreateHistogram<double>(Throughput, "By/s", "Raw bytes per second through dump, compression and encryption.");
        _ratio = _meter.CreateHistogram<double>(CompressionRatio, "1", "Raw bytes divided by compressed bytes.");
        _uploadThroughput = _meter.CreateHistogram<double>(UploadThroughput, "By/s", "Stored bytes per second of one upload to one target.");
        _meter.CreateObservableGauge(LastSuccess, ObserveLastSuccess, "s", "Unix time of the newest successful backup, per database and kind.");
        _meter.CreateObservableGauge(OpenAlerts, ObserveOpenAlerts, "{alert}", "Open (unacknowledged) alerts, per severity.");
        _meter.CreateObservableGauge(HealthScore, ObserveHealthScore, "1", "The GET /api/health score, 0 to 100.");
    }

    /// <summary>A backup run recorded in the catalog (Succeeded, Partial or Failed).</summary>
    public void RecordBackup(BackupManifest manifest, string status, DateTimeOffset recordedAt)
    {
        var kind = manifest.Kind.ToString();
        var database = manifest.Database ?? "";
        var tags = new TagList { { "kind", kind }, { "database", database } };
        var withStatus = tags;
        withStatus.Add("status", status);
        _runs.Add(1, withStatus);
        _duration.Record(Math.Max(0, (recordedAt - manifest.CreatedAt).TotalSeconds), withStatus);
        _raw.Add(manifest.RawBytes, tags);
        foreach (var copy in manifest.Copies.Where(c => c.Verified))
        {
            var perTarget = tags;
            perTarget.Add("target", copy.Target);
            _stored.Add(manifest.StoredBytes, perTarget);
        }

        if (manifest.CompletedAt is { } done && done > manifest.CreatedAt)
        {
            _throughput.Record(manifest.RawBytes / (done - manifest.CreatedAt).TotalSeconds, tags);
        }

        if (manifest.CompressedBytes > 0)
        {
            _ratio.Record((double)manifest.RawBytes / manifest.CompressedBytes, tags);
        }

        if (status == "Succeeded")
        {
            _lastSuccess.AddOrUpdate((database, kind), manifest.CreatedAt, (_, old) => old > manifest.CreatedAt ? old : manifest.CreatedAt);
        }
    }

    /// <summary>One upload of one artifact to one target (a copy from another target counts too).</summary>
    public void RecordUpload(string target, long bytes, TimeSpan duration)
    {
        if (bytes > 0 && duration > TimeSpan.Zero)
        {
            _uploadThroughput.Record(bytes / duration.TotalSeconds, new KeyValuePair<string, object?>("target", target));
        }
    }

    /// <summary>What the catalog said last; its last-success times merge with the ones recorded here (the newer wins).</summary>
    public void UpdateFromCatalog(CatalogSnapshot snapshot)
    {
        foreach (var (database, at) in snapshot.LastFullBackup)
        {
            _lastSuccess.AddOrUpdate((database, "Full"), at, (_, old) => old > at ? old : at);
        }

        _catalog = snapshot;
    }

    /// <summary>Whether the catalog was read at least once: before that the catalog gauges report nothing.</summary>
    internal bool HasCatalogSnapshot => _catalog is not null;

    private IEnumerable<Measurement<double>> ObserveLastSuccess() =>
        _lastSuccess.Select(p => new Measurement<double>(p.Value.ToUnixTimeMilliseconds() / 1000.0,
            new KeyValuePair<string, object?>("database", p.Key.Database), new KeyValuePair<string, object?>("kind", p.Key.Kind)));

    private IEnumerable<Measurement<long>> ObserveOpenAlerts()
    {
        if (_catalog is not { } snapshot)
        {
            return [];
        }

        return KnownSeverities.Union(snapshot.OpenAlerts.Keys)
            .Select(s => new Measurement<long>(snapshot.OpenAlerts.GetValueOrDefault(s), new KeyValuePair<string, object?>("severity", s)));
    }

    private IEnumerable<Measurement<int>> ObserveHealthScore() =>
        _catalog is { } snapshot ? [new Measurement<int>(snapshot.HealthScore)] : [];

    public void Dispose() => _meter.Dispose();
}
