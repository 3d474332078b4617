using BackupFunctions.Workflows.Activities;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Orchestrations;
using BackupFunctions.Workflows.Pitr;
using BackupFunctions.Workflows.Tests.Orchestrations;
using BackupFunctions.Workflows.Tests.Support;
using Microsoft.DurableTask.Client;

namespace BackupFunctions.Workflows.Tests.Pitr;

/// <summary>
/// POST /api/restores/pitr's checks (target time, data directory below the root, port, the host's WAL fetch command) and
/// PitrRestoreOrchestrator's failure path on the in-memory engine: a restore with nothing to restore from fails at step 1
/// with the reason, once (no retry of bad input). The restore itself is tested on a real cluster in BackupFunctions.Cli.Tests/Pitr.
/// </summary>
public sealed class PitrRestoreRequestTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    private static BackupFunctionsOptions Options(string? root = "/srv/pitr-restores") => new()
    {
        Pitr = new PitrOptions { Cluster = "prod", RestoreDirectory = root, WalFetchCommand = "backupctl wal fetch --config /etc/bf.json" },
    };

    private static PointInTimeRestoreRequest Valid => new() { TargetTime = "2026-12-05T11:00:00Z", DataDirectory = "prod-1100", Port = 5433 };

    [Fact]
    public void A_complete_request_is_valid_and_its_directory_lands_below_the_root()
    {
        Assert.Empty(RequestValidator.Validate(Valid, Options(), Now));
        Assert.Empty(RequestValidator.Validate(Valid with { TargetTime = "latest", Cluster = "prod" }, Options(), Now));
        Assert.Equal("/srv/pitr-restores/prod-1100", Options().Pitr.RestoreDataDirectory("prod-1100"));
        Assert.Equal("/srv/pitr-restores/a/b", Options().Pitr.RestoreDataDirectory("/srv/pitr-restores/a/b/"));
    }

    [Theory]
    [InlineData(null, "targetTime is required")]
    [InlineData("", "targetTime is required")]
    [InlineData("2026-12-05T11:00:00", "not a time with an offset")]
    [InlineData("yesterday", "not a time with an offset")]
    [InlineData("2026-12-06T11:00:00Z", "in the future")]
    public void A_missing_unzoned_or_future_target_time_is_refused(string? targetTime, string expected)
    {
        var errors = RequestValidator.Validate(Valid with { TargetTime = targetTime }, Options(), Now);

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("../elsewhere")]
    [InlineData("/etc")]
    [InlineData("/srv/pitr-restores")]
    [InlineData("a/../../x")]
    [InlineData("/srv/pitr-restores-evil/x")]
    public void A_data_directory_outside_the_root_is_refused(string directory)
    {
        var errors = RequestValidator.Validate(Valid with { DataDirectory = directory }, Options(), Now);

        Assert.Contains(errors, e => e.Contains("is not below BackupFunctions:Pitr:RestoreDirectory", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_a_root_a_fetch_command_a_port_or_with_another_cluster_the_request_is_refused()
    {
        Assert.Contains(RequestValidator.Validate(Valid, Options(root: null), Now), e => e.Contains("PITR restores through the API are off"));
        var noFetch = Options();
        noFetch.Pitr.WalFetchCommand = null;
        Assert.Contains(RequestValidator.Validate(Valid, noFetch, Now), e => e.Contains("Pitr:WalFetchCommand"));
        Assert.Contains(RequestValidator.Validate(Valid with { Port = null }, Options(), Now), e => e.Contains("port is required"));
        Assert.Contains(RequestValidator.Validate(Valid with { Port = 80 }, Options(), Now), e => e.Contains("port 80 is not allowed"));
        Assert.Contains(RequestValidator.Validate(Valid with { Cluster = "other" }, Options(), Now), e => e.Contains("cluster 'other'"));
    }

    [Theory]
    [InlineData("latest", null)]
    [InlineData("LATEST", null)]
    [InlineData("2026-11-24T10:15:00Z", "2026-11-24T10:15:00.0000000+00:00")]
    [InlineData("2026-11-24T11:15:00+01:00", "2026-11-24T10:15:00.0000000+00:00")]
    [InlineData("2026-11-24T10:15:00.250-02:30", "2026-11-24T12:45:00.2500000+00:00")]
    public void Target_times_parse_to_utc_and_latest_to_null(string text, string? expected)
    {
        Assert.True(PitrTargetTime.TryParse(text, out var target));
        Assert.Equal(expected, target?.ToString("O"));
    }

    [Fact]
    public void A_non_empty_data_directory_is_refused_before_anything_starts()
    {
        var root = Directory.CreateTempSubdirectory("bf-pitr-req-").FullName;
        try
        {
            var options = Options(root);
            Directory.CreateDirectory(Path.Combine(root, "taken"));
            File.WriteAllText(Path.Combine(root, "taken", "PG_VERSION"), "15\n");

            Assert.Empty(PitrRestoreDirectoryCheck.Check(Valid with { DataDirectory = "fresh" }, options));
            Assert.Contains("is not empty", Assert.Single(PitrRestoreDirectoryCheck.Check(Valid with { DataDirectory = "taken" }, options)));
            Assert.Equal("15\n", File.ReadAllText(Path.Combine(root, "taken", "PG_VERSION")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task The_orchestration_fails_at_step_1_once_when_the_targets_hold_no_base_backup()
    {
        await using var targets = await ThreeTargets.CreateAsync("postgres");
        targets.Options.Pitr.Cluster = "empty";
        targets.Options.Pitr.RestoreDirectory = Path.Combine(targets.Root, "restores");
        targets.Options.Pitr.WalFetchCommand = "backupctl wal fetch";
        await using var engine = await EngineHarness.StartAsync(targets.Options);

        var run = await engine.RunAsync(OrchestrationNames.PitrRestore, Valid with { Cluster = "empty", TargetTime = "latest" });

        Assert.Equal(OrchestrationRuntimeStatus.Failed, run.RuntimeStatus);
        Assert.Contains("step 1 (ChoosePitrBaseBackup): There is no base backup in the WAL targets", run.FailureDetails!.ErrorMessage);
        var progress = run.ReadCustomStatusAs<PitrRestoreProgress>()!;
        Assert.Equal(("failed", 1), (progress.Step, progress.Number));
        // Bad input is not retried (the harness's policy would retry a retryable failure).
        Assert.Single(engine.Converter.Inputs<ChoosePitrBaseBackupRequest>());
        Assert.Empty(engine.Converter.Inputs<LayDownBaseBackupRequest>());
        Assert.False(Directory.Exists(Path.Combine(targets.Options.Pitr.RestoreDirectory, "prod-1100")));
    }
}
