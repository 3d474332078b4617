using System.Diagnostics;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>
/// backupctl restore --pitr, in one process: the same steps the <c>PitrRestoreOrchestrator</c> runs as activities, in order.
/// Pick the newest base backup complete before the target (<see cref="BaseBackupCatalog"/>), lay it down in an empty
/// directory (<see cref="PitrDataDirectory"/>), write the recovery settings (<see cref="RecoveryConfig"/>), start the
/// server and wait until it promoted (<see cref="RecoveryServer"/>), then report what it holds (<see cref="RestoredServerCheck"/>).
/// The server is left running for the operator (or stopped with <c>stopAfter</c>).
/// </summary>
public sealed class PitrRestoreRunner(BackupEnvironment env)
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

    public async Task<PitrRestoreResult> RunAsync(PitrRestoreRequest request, IProgress<string>? progress = null, bool stopAfter = false,
        CancellationToken ct = default)
    {
        var dataDirectory = Path.GetFullPath(request.DataDirectory);
        PitrDataDirectory.EnsureEmpty(dataDirectory);
        if (request.TargetTime is { } t && t > DateTimeOffset.UtcNow)
            throw new PitrException($"The recovery target {t:yyyy-MM-dd'T'HH:mm:ss'Z'} is in the future; use --pitr latest to recover everything archived.");

        var chosen = BaseBackupCatalog.Choose(await BaseBackupCatalog.ListAsync(env, ct), request.TargetTime);
        progress?.Report($"base backup {chosen.BackupId} (complete at {chosen.CompletedAt:HH:mm:ss.fff}Z, WAL from {chosen.StartWalFile})");

        var layDown = Stopwatch.StartNew();
        var servedBy = await PitrDataDirectory.LayDownAsync(env, chosen, dataDirectory, request.RunAsUser, ct);
        await PitrDataDirectory.WriteRecoverySettingsAsync(dataDirectory, request.RestoreCommand, request.TargetTime, request.RunAsUser, ct);
        var pgCtl = new PgCtl(PitrDataDirectory.BinDirectory(env, chosen), dataDirectory, request.RunAsUser);
        layDown.Stop();
        progress?.Report($"laid down from {servedBy} in {layDown.Elapsed.TotalSeconds:F1} s; starting the server on port {request.Port}");

        var recovery = Stopwatch.StartNew();
        try
        {
            await RecoveryServer.StartAndWaitAsync(env, pgCtl, request.Port, request.Timeout ?? DefaultTimeout, ct);
            recovery.Stop();
            progress?.Report($"recovery finished and promoted in {recovery.Elapsed.TotalSeconds:F1} s");
            var state = await RestoredServerCheck.VerifyAsync(env, dataDirectory, request.Port, request.TargetTime, ct);
            return new PitrRestoreResult(chosen.BackupId, servedBy, request.TargetTime, dataDirectory, request.Port, state.LastReplayedTransaction,
                state.Timeline, state.Database, state.RowCounts, layDown.Elapsed, recovery.Elapsed);
        }
        catch (Exception e) when (e is not PitrException and not OperationCanceledException)
        {
            throw new PitrException($"The restored server did not come up: {e.Message}\n{pgCtl.LogTail()}", e);
        }
        finally
        {
            if (stopAfter && pgCtl.IsRunning)
            {
                try { await pgCtl.StopAsync(CancellationToken.None); }
                catch (PitrException) { /* reported above or harmless: the data directory stays for inspection */ }
            }
        }
    }
}
