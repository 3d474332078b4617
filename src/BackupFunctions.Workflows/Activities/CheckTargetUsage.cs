using System.Globalization;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Alerts;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Configuration;

namespace BackupFunctions.Workflows.Activities;

public sealed record CheckTargetUsageRequest;

/// <param name="Severity">What was raised (warning, critical), or null when the target is under the warning threshold.</param>
/// <param name="Percent">The fullest reading, or null when the target reports nothing (no quota, not a disk).</param>
/// <param name="Error">Why the disk could not be read (then only the quota, if any, was judged).</param>
public sealed record TargetUsage(string Target, string? Severity, double? Percent, string? Source, string? Error = null);

public sealed record CheckTargetUsageResult(IReadOnlyList<TargetUsage> Targets);

/// <summary>
/// The target-usage rule (docs/alerts.md): a filesystem target reports its disk's fill (statvfs through
/// <see cref="DriveInfo"/>), and any target with <c>QuotaBytes</c> is compared with the stored bytes of its verified
/// copies in the catalog. The fullest reading over <c>Alerts:Usage</c>'s thresholds raises one alert per target
/// (<c>target.usage:&lt;name&gt;</c>, warning or critical); falling back under the warning threshold resolves it.
/// </summary>
public sealed class CheckTargetUsage(IBackupCatalog catalog, AlertService alerts, BackupFunctionsOptions options, ActivityLimits limits)
    : BoundedActivity<CheckTargetUsageRequest, CheckTargetUsageResult>(limits)
{
    public const string Code = "target.usage";

    protected override async Task<CheckTargetUsageResult> RunAsync(ActivityRun context, CheckTargetUsageRequest input)
    {
        var ct = context.CancellationToken;
        var thresholds = options.Alerts.Usage;
        if (!thresholds.Enabled)
        {
            return new CheckTargetUsageResult([]);
        }

        var stored = await catalog.StoredBytesByTargetAsync(ct);
        var results = new List<TargetUsage>();
        foreach (var target in options.Targets)
        {
            var readings = new List<UsageReading>();
            string? error = null;
            if (target.Type.Trim().Equals(TargetOptions.FileSystemType, StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(target.Path))
            {
                try
                {
                    readings.Add(DiskReading(target.Path));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
                {
                    error = $"the disk of '{target.Path}' could not be read: {e.Message}";
                }
            }

            if (target.QuotaBytes is > 0 and { } quota)
            {
                readings.Add(new UsageReading("quota", stored.GetValueOrDefault(target.Name), quota));
            }

            var (severity, fullest) = TargetUsageRule.Judge(readings, thresholds);
            var key = AlertKeys.TargetUsage(target.Name);
            if (severity is not null)
            {
                await alerts.RaiseAsync(severity, Code, Message(target.Name, fullest!), key, context.InstanceId, ct);
            }
            else if (fullest is not null)
            {
                await alerts.ResolveAsync(key, $"usage is back to {Percent(fullest)} ({fullest.Source}), under {thresholds.WarningPercent}%", ct);
            }

            results.Add(new TargetUsage(target.Name, severity, fullest?.Percent, fullest?.Source, error));
        }

        return new CheckTargetUsageResult(results);
    }

    /// <summary>The disk holding the target's root: used is what is no longer available to this process's user.</summary>
    private static UsageReading DiskReading(string path)
    {
        var drive = new DriveInfo(Path.GetFullPath(path));
        return new UsageReading("disk", drive.TotalSize - drive.AvailableFreeSpace, drive.TotalSize);
    }

    private static string Message(string target, UsageReading r) => r.Source == "disk"
        ? $"Target '{target}' is {Percent(r)} full: its disk has {Bytes(r.CapacityBytes - r.UsedBytes)} free of {Bytes(r.CapacityBytes)}. " +
          "Free space, move the target, or tighten retention before a backup no longer fits."
        : $"Target '{target}' holds {Bytes(r.UsedBytes)} of its {Bytes(r.CapacityBytes)} quota ({Percent(r)}). " +
          "Raise the quota (QuotaBytes and the store's own), or tighten retention before uploads are refused.";

    private static string Percent(UsageReading r) => r.Percent.ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.##", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.##", CultureInfo.InvariantCulture) + " MiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " bytes",
    };
}
