using BackupFunctions.Pipeline.Processes;
using BackupFunctions.Testing;
using BackupFunctions.Workflows.Catalog;
using BackupFunctions.Workflows.Configuration;
using BackupFunctions.Workflows.Operations;
using BackupFunctions.Workflows.Restore;
using BackupFunctions.Workflows.Tests.Support;

namespace BackupFunctions.Workflows.Tests;

/// <summary>
/// Critical error #3 of the system this replaces: downloads from S3-compatible stores failed and
/// nothing retried them. Here the S3 copy is served through a fault-injecting proxy: a reset
/// mid-body is resumed with a ranged read, and a store that keeps failing (503s, or answering too
/// slowly) is left for the next target with a verified copy. The run records who served the data.
/// </summary>
[Collection(SampleDatabaseCollection.Name)]
public sealed class DownloadFailureRestoreTests(SampleDatabaseFixture sample) : IAsyncLifetime
{
    private readonly FaultProxy _proxy = new(new Uri(TestServices.S3ServiceUrl));
    private ThreeTargets _targets = null!;
    private CatalogEntry _backup = null!;

    public async Task InitializeAsync()
    {
        _targets = await ThreeTargets.CreateAsync(sample.Name);
        var run = await new DirectBackupRunner(_targets.Environment()).RunAsync(null, null);
        Assert.Equal(BackupRunStatus.Succeeded, run.Status);
        _backup = (await TargetCatalogReader.ReadAsync(_targets.Environment().Targets, _targets.Environment().Keys, sample.Name)).Resolve(run.BackupId);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _targets.DisposeAsync();
    }

    [Fact]
    public async Task A_connection_reset_in_the_middle_of_the_download_is_resumed_and_s3_still_serves_the_restore()
    {
        _proxy.ResetResponseAfter(1 << 20);

        var result = await RestoreThroughProxyAsync();

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(ThreeTargets.S3, result.ServedBy);
        Assert.Single(result.Attempts);
        Assert.True(_proxy.Resets >= 1, "the proxy never reset the download, so nothing was tested");
        Assert.Equal(_backup.Manifest.RowCounts, result.RestoredRowCounts);
    }

    [Fact]
    public async Task A_store_that_keeps_answering_503_is_skipped_for_the_next_verified_copy()
    {
        _proxy.Fail503(1000);

        var result = await RestoreThroughProxyAsync();

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(ThreeTargets.Azure, result.ServedBy);
        var failed = Assert.Single(result.Attempts, a => !a.Succeeded);
        Assert.Equal(ThreeTargets.S3, failed.Target);
        Assert.Contains("503", failed.Error);
        Assert.True(_proxy.Injected503s >= 2, "the S3 read was not retried before falling back");
        Assert.Equal(_backup.Manifest.RowCounts, result.RestoredRowCounts);
    }

    [Fact]
    public async Task A_store_that_answers_too_slowly_times_out_and_the_next_copy_serves_the_restore()
    {
        _proxy.ResponseDelay = TimeSpan.FromSeconds(3);

        var result = await RestoreThroughProxyAsync(requestTimeout: TimeSpan.FromSeconds(1));

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(ThreeTargets.Azure, result.ServedBy);
        Assert.Contains(result.Attempts, a => a.Target == ThreeTargets.S3 && !a.Succeeded);
    }

    /// <summary>Restores with the S3 target (behind the proxy) first and Azure second, into a fresh database.</summary>
    private async Task<RestoreRunResult> RestoreThroughProxyAsync(TimeSpan? requestTimeout = null)
    {
        var s3 = ThreeTargets.S3Options(_targets.Prefix);
        s3.ServiceUrl = _proxy.Url;
        s3.RequestTimeout = requestTimeout;
        var options = new BackupFunctionsOptions
        {
            Source = _targets.Options.Source,
            Keys = _targets.Options.Keys,
            StagingDirectory = _targets.Options.StagingDirectory,
            Targets = [s3, ThreeTargets.AzureOptions(_targets.Container)],
        };
        var destination = "dl_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            var env = _targets.Environment(options: options);
            return await new RestoreRunner(env).RunAsync(_backup, PgConnectionInfo.FromConnectionString(TestServices.PgConnectionString(destination)));
        }
        finally
        {
            await Sql.DropDatabaseAsync(destination);
        }
    }
}
