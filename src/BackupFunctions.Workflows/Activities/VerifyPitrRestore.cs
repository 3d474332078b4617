using BackupFunctions.Workflows.Pitr;

namespace BackupFunctions.Workflows.Activities;

/// <param name="StopAfter">Stop the server once verified (default: leave it running for the operator).</param>
public sealed record VerifyPitrRestoreRequest(string DataDirectory, int Port, DateTimeOffset? TargetTime, int ServerMajor, bool StopAfter);

/// <param name="LastReplayedTransaction">pg_last_xact_replay_timestamp(): the commit time of the last transaction replayed.</param>
/// <param name="RowCounts">Exact row counts of the user tables of the source's database, "schema.table".</param>
public sealed record VerifyPitrRestoreResult(
    DateTimeOffset? LastReplayedTransaction, int Timeline, string Database, IReadOnlyDictionary<string, long> RowCounts, bool Stopped);

/// <summary>
/// PITR restore, step 6: connects to the restored server, checks it promoted (and, to latest, that replay did not stop at a
/// hole in the archive), and reads the last replayed commit, the new timeline and the row counts. Then the WAL cache goes,
/// and the server is stopped if asked.
/// </summary>
[SelfHostedOnly]
public sealed class VerifyPitrRestore(BackupEnvironment env, ActivityLimits limits) : BoundedActivity<VerifyPitrRestoreRequest, VerifyPitrRestoreResult>(limits)
{
    protected override Task<VerifyPitrRestoreResult> RunAsync(ActivityRun context, VerifyPitrRestoreRequest input) =>
        PitrActivityFailures.RunAsync(async () =>
        {
            var pitr = env.Options.Pitr;
            var directory = pitr.RestoreDataDirectory(input.DataDirectory);
            var state = await RestoredServerCheck.VerifyAsync(env, directory, input.Port, input.TargetTime, context.CancellationToken);
            // Promoted: restore_command runs no more.
            PitrWalCache.Delete(directory);
            if (input.StopAfter)
                await new PgCtl(PitrDataDirectory.BinDirectory(env, input.ServerMajor), directory, pitr.RestoreRunAs).StopAsync(context.CancellationToken);
            return new VerifyPitrRestoreResult(state.LastReplayedTransaction, state.Timeline, state.Database, state.RowCounts, input.StopAfter);
        });
}
