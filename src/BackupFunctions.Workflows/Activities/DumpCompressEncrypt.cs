using Microsoft.DurableTask;
using BackupFunctions.Pipeline;
using BackupFunctions.Workflows.Operations;
using BackupFunctions.Workflows.Telemetry;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Workflows.Activities;

/// <summary>
/// pg_dump → zstd → AES-256-GCM → SHA-256 into this host's staging directory, uploading to the
/// request's <see cref="DumpRequest.StreamTo"/> targets as the file grows. Logs the bytes dumped
/// so far every 10 s, so a long dump shows progress.
/// </summary>
public sealed class DumpCompressEncrypt(BackupEnvironment env, ActivityLimits limits, ILogger<DumpCompressEncrypt> logger, BackupMetrics? metrics = null)
    : BoundedActivity<DumpRequest, StagedArtifact>(limits)
{
    protected override Task<StagedArtifact> RunAsync(ActivityRun context, DumpRequest input) =>
        ActivityFailures.RunAsync(async () =>
        {
            var lastBeat = DateTime.UtcNow;
            var progress = new Progress<PipelineProgress>(p =>
            {
                // A progress line a person can follow in the logs; a few per minute is plenty.
                if (DateTime.UtcNow - lastBeat < TimeSpan.FromSeconds(10))
                {
                    return;
                }

                lastBeat = DateTime.UtcNow;
                Log.DumpProgress(logger, context.InstanceId, p.PlainBytes, p.StoredBytes);
            });
            if (input.StreamTo.Count == 0)
            {
                return await DumpToStaging.RunAsync(env, input, progress, context.CancellationToken);
            }

            // A streamed copy commits inside this activity, so a run of it that was killed before reporting can have left one.
            var targets = env.SelectTargets(input.StreamTo);
            var cleared = await ClearUnfinishedAttempt.RunAsync(targets, input.BackupId, DumpToStaging.KeysFor(env, input), context.CancellationToken);
            if (cleared.Count > 0)
            {
                Log.UnfinishedAttemptCleared(logger, context.InstanceId, input.BackupId, string.Join(", ", cleared));
            }

            var staged = await DumpAndStream.RunAsync(env, input, targets, progress, null, context.CancellationToken);

            // A streamed copy is uploaded while the dump runs: its upload took as long as the dump.
            foreach (var target in staged.StreamedTo)
            {
                metrics?.RecordUpload(target, staged.Result.StoredBytes, staged.Result.Duration);
            }

            return staged;
        });
}
