using System.Diagnostics;
using System.Globalization;
using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Alerts;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Tests.Orchestrations;
using BackupFunctions.Workflows.Tests.Support;
using Microsoft.DurableTask.Client;

namespace BackupFunctions.Workflows.Tests.Alerts;

/// <summary>
/// The target-usage rule in the hourly integrity run, on a real local directory (its disk's fill, read independently
/// with df), and on Azurite and the S3 server (quotas against the bytes a real backup stored there).
/// </summary>
[Collection(SampleDatabaseCollection.Name)]
public sealed class TargetUsageTests(SampleDatabaseFixture sample)
{
    [Fact]
    public async Task Usage_over_the_thresholds_raises_one_alert_per_target_and_falling_back_resolves_it()
    {
        await using var targets = await ThreeTargets.CreateAsync(sample.Name);
        var options = targets.Options;
        await using var engine = await EngineHarness.StartAsync(options);
        var backup = await engine.RunAsync(OrchestrationNames.FullBackup, new BackupRequest(), TimeSpan.FromMinutes(5));
        Assert.Equal("Succeeded", backup.ReadOutputAs<BackupRunSummary>()!.Status);
        var stored = await engine.Catalog.StoredBytesByTargetAsync();
        var s3Bytes = stored[ThreeTargets.S3];
        Assert.True(s3Bytes > 0);
        Assert.Equal(s3Bytes, stored[ThreeTargets.Azure]);

        // The disk under the local target, as df sees it; the warning threshold goes just under it.
        var diskPercent = await DfUsePercentAsync(targets.LocalPath);
        var warning = Math.Max(0.5, diskPercent - 2);
        options.Alerts.Usage.WarningPercent = warning;
        options.Alerts.Usage.CriticalPercent = 100;
        // S3 half-way between warning and critical; Azure exactly full.
        Target(options, ThreeTargets.S3).QuotaBytes = (long)(s3Bytes * 100 / ((warning + 100) / 2));
        Target(options, ThreeTargets.Azure).QuotaBytes = s3Bytes;

        var first = await RunHourlyAsync(engine);
        var open = await engine.Catalog.ListAlertsAsync();
        Assert.Equal("warning", Single(open, ThreeTargets.Local).Severity);
        Assert.Equal("warning", Single(open, ThreeTargets.S3).Severity);
        var azure = Single(open, ThreeTargets.Azure);
        Assert.Equal("critical", azure.Severity);
        Assert.Contains("quota (100%)", azure.Message);
        var local = Assert.Single(first.Targets, t => t.Target == ThreeTargets.Local);
        Assert.Equal("disk", local.Source);
        Assert.InRange(local.Percent!.Value, diskPercent - 1.5, diskPercent + 1.5);
        Assert.Equal("quota", Assert.Single(first.Targets, t => t.Target == ThreeTargets.S3).Source);

        // Again: the same three alerts refreshed, not new ones.
        await RunHourlyAsync(engine);
        var again = (await engine.Catalog.ListAlertsAsync()).Where(a => a.Code == CheckTargetUsage.Code).ToList();
        Assert.Equal(3, again.Count);
        Assert.All(again, a => Assert.Equal(2, a.Occurrences));

        // Usage falls back: larger quotas, a warning threshold over the disk's fill. All three resolve.
        options.Alerts.Usage.WarningPercent = Math.Min(99.9, diskPercent + 2);
        Target(options, ThreeTargets.S3).QuotaBytes = s3Bytes * 1000;
        Target(options, ThreeTargets.Azure).QuotaBytes = s3Bytes * 1000;
        var last = await RunHourlyAsync(engine);
        Assert.All(last.Targets, t => Assert.Null(t.Severity));
        var history = (await engine.Catalog.ListAlertsAsync(includeAcknowledged: true)).Where(a => a.Code == CheckTargetUsage.Code).ToList();
        Assert.Equal(3, history.Count);
        Assert.All(history, a => Assert.NotNull(a.ResolvedAt));
        Assert.Contains("usage is back to 0.1% (quota)", history.Single(a => a.DedupeKey == AlertKeys.TargetUsage(ThreeTargets.S3)).ResolvedReason);
    }

    private static BackupFunctions.Targets.TargetOptions Target(BackupFunctions.Workflows.Configuration.BackupFunctionsOptions options, string name) => options.Targets.Single(t => t.Name == name);

    private static BackupFunctions.Workflows.Catalog.CatalogAlert Single(IEnumerable<BackupFunctions.Workflows.Catalog.CatalogAlert> alerts, string target) =>
        Assert.Single(alerts, a => a.DedupeKey == AlertKeys.TargetUsage(target) && a.Code == CheckTargetUsage.Code);

    private static async Task<CheckTargetUsageResult> RunHourlyAsync(EngineHarness engine)
    {
        var run = await engine.RunAsync(OrchestrationNames.VerifyIntegrity, new VerifyIntegrityRequest(), TimeSpan.FromMinutes(5));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, run.RuntimeStatus);
        return engine.Converter.Inputs<CheckTargetUsageResult>()[^1];
    }

    /// <summary>Used/(used+available) of the file system holding <paramref name="path"/>, from df's block counts.</summary>
    private static async Task<double> DfUsePercentAsync(string path)
    {
        Directory.CreateDirectory(path);
        using var df = Process.Start(new ProcessStartInfo("df", ["-P", "-B1", path]) { RedirectStandardOutput = true })!;
        var output = await df.StandardOutput.ReadToEndAsync();
        await df.WaitForExitAsync();
        var fields = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var size = double.Parse(fields[1], CultureInfo.InvariantCulture);
        var available = double.Parse(fields[3], CultureInfo.InvariantCulture);
        return 100 * (size - available) / size;
    }
}
