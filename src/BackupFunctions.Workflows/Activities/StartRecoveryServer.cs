using System.Diagnostics;
using BackupFunctions.Workflows.Pitr;

namespace BackupFunctions.Workflows.Activities;

/// <param name="ServerMajor">The base backup's PostgreSQL major version: its pg_ctl starts the server.</param>
public sealed record StartRecoveryServerRequest(string DataDirectory, int Port, int ServerMajor);

public sealed record StartRecoveryServerResult(string DataDirectory, int Port, double Seconds);

/// <summary>
/// PITR restore, steps 4 and 5: starts the server on 127.0.0.1:port and waits until recovery reached the target and it
/// promoted (at most BackupFunctions:Pitr:RestoreTimeout). A server that stops during recovery (the WAL ends before the
/// target, a segment damaged in every target) fails the step with the tail of its log, which says why.
/// </summary>
[SelfHostedOnly]
public sealed class StartRecoveryServer(BackupEnvironment env, ActivityLimits limits) : BoundedActivity<StartRecoveryServerRequest, StartRecoveryServerResult>(limits)
{
    protected override Task<StartRecoveryServerResult> RunAsync(ActivityRun context, StartRecoveryServerRequest input) =>
        PitrActivityFailures.RunAsync(async () =>
        {
            var pitr = env.Options.Pitr;
            var directory = pitr.RestoreDataDirectory(input.DataDirectory);
            var pgCtl = new PgCtl(PitrDataDirectory.BinDirectory(env, input.ServerMajor), directory, pitr.RestoreRunAs);
            var watch = Stopwatch.StartNew();
            try
            {
                await RecoveryServer.StartAndWaitAsync(env, pgCtl, input.Port, pitr.RestoreTimeout, context.CancellationToken);
            }
            catch (PitrException)
            {
                // A stopped server fetches no more WAL; one that is still recovering keeps its cache.
                if (!pgCtl.IsRunning) PitrWalCache.Delete(directory);
                throw;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new PitrException($"The restored server did not come up: {e.Message}\n{pgCtl.LogTail()}", e);
            }

            return new StartRecoveryServerResult(directory, input.Port, Math.Round(watch.Elapsed.TotalSeconds, 2));
        });
}
