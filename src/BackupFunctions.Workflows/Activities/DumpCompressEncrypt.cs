using BackupFunctions.Durable;
using BackupFunctions.Pipeline;
using BackupFunctions.Workflows.Operations;

namespace BackupFunctions.Workflows.Activities;

/// <summary>
/// pg_dump → zstd → AES-256-GCM → SHA-256 into this host's staging directory, uploading to the
/// request's <see cref="DumpRequest.StreamTo"/> targets as the file grows. Heartbeats the bytes
/// dumped so far (progress a person can watch, and a lease that stays alive through long dumps).
/// </summary>
public sealed class DumpCompressEncrypt(BackupEnvironment env) : TaskActivity<DumpRequest, StagedArtifact>
{
    public override Task<StagedArtifact> RunAsync(TaskActivityContext context, DumpRequest input) =>
        ActivityFailures.RunAsync(async () =>
        {
            var lastBeat = DateTime.UtcNow;
            var progress = new Progress<PipelineProgress>(p =>
            {
                // Heartbeats write to the store; a few per minute is plenty.
                if (DateTime.UtcNow - lastBeat < TimeSpan.FromSeconds(10))
                {
                    return;
                }

                lastBeat = DateTime.UtcNow;
                _ = context.HeartbeatAsync(new { stage = "dump", plainBytes = p.PlainBytes, storedBytes = p.StoredBytes });
            });
            return input.StreamTo.Count == 0
                ? await DumpToStaging.RunAsync(env, input, progress, context.CancellationToken)
                : await DumpAndStream.RunAsync(env, input, env.SelectTargets(input.StreamTo), progress, null, context.CancellationToken);
        });
}
