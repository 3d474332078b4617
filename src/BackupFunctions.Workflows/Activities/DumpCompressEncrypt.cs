using Microsoft.DurableTask;
using BackupFunctions.Pipeline;
using BackupFunctions.Workflows.Operations;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Workflows.Activities;

/// <summary>
/// pg_dump → zstd → AES-256-GCM → SHA-256 into this host's staging directory, uploading to the
/// request's <see cref="DumpRequest.StreamTo"/> targets as the file grows. Logs the bytes dumped
/// so far every 10 s, so a long dump shows progress.
/// </summary>
public sealed class DumpCompressEncrypt(BackupEnvironment env, ActivityLimits limits, ILogger<DumpCompressEncrypt> logger) : BoundedActivity<DumpRequest, StagedArtifact>(limits)
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
            return input.StreamTo.Count == 0
                ? await DumpToStaging.RunAsync(env, input, progress, context.CancellationToken)
                : await DumpAndStream.RunAsync(env, input, env.SelectTargets(input.StreamTo), progress, null, context.CancellationToken);
        });
}
