using System.Diagnostics;
using BackupFunctions.Pipeline;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Preflight;

namespace BackupFunctions.Workflows.Operations;

/// <summary>
/// One whole backup in this process, without the durable engine: dump to staging while every target
/// uploads the staging file as it grows, read each copy back and check its hash, then publish the
/// manifest where the copy is good. A target that fails does not stop the others; the run is then Partial.
/// The durable orchestration runs the same operations as activities.
/// </summary>
public sealed class DirectBackupRunner(BackupEnvironment env)
{
    public async Task<BackupRunResult> RunAsync(string? database, IEnumerable<string>? targetNames,
        IProgress<BackupProgress>? progress = null, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var targets = env.SelectTargets(targetNames);
        var createdAt = DateTimeOffset.UtcNow;
        var backupId = ObjectKeys.NewBackupId(createdAt);
        var request = new DumpRequest(backupId, createdAt, database);

        // Refusals that need no dump (a server newer than every pg_dump, rows RLS would hide) come before any bytes move.
        progress?.Report(new BackupProgress("preflight", null, 0, null));
        await SourcePreflight.RunAsync(env.Source(database), env.Tools.Locator, fullBackup: true, ct).ConfigureAwait(false);

        progress?.Report(new BackupProgress("dump", null, 0, null));
        var dumpProgress = progress is null ? null : new Progress<PipelineProgress>(p =>
            progress.Report(new BackupProgress("dump", null, p.PlainBytes, null)));
        var staged = await DumpAndStream.RunAsync(env, request, targets, dumpProgress, progress, ct).ConfigureAwait(false);
        try
        {
            var copies = await Task.WhenAll(targets.Select(t => FinishCopyAsync(t, staged, progress, ct))).ConfigureAwait(false);
            var manifest = ManifestBuilder.Build(staged, copies, DateTimeOffset.UtcNow);
            var published = new List<CopyOutcome>();
            foreach (var (copy, target) in copies.Zip(targets))
            {
                if (!copy.Verified)
                {
                    published.Add(copy);
                    continue;
                }

                progress?.Report(new BackupProgress("manifest", target.Name, 0, null));
                try
                {
                    await PublishManifest.RunAsync(target, manifest, env.Keys, ct).ConfigureAwait(false);
                    published.Add(copy);
                }
                catch (TargetException e)
                {
                    published.Add(copy with { Verified = false, Error = "manifest not written: " + e.Message });
                }
            }

            var good = published.Count(c => c.Verified);
            var status = good == published.Count ? BackupRunStatus.Succeeded : good > 0 ? BackupRunStatus.Partial : BackupRunStatus.Failed;
            return new BackupRunResult(backupId, staged.Database, status, manifest, published, sw.Elapsed,
                status == BackupRunStatus.Failed ? "No target holds a verified copy." : null);
        }
        finally
        {
            DumpToStaging.Cleanup(env, backupId);
        }
    }

    /// <summary>Uploads from the staging file unless the copy streamed during the dump, then reads it back and checks its hash.</summary>
    private static async Task<CopyOutcome> FinishCopyAsync(IBackupTarget target, StagedArtifact staged,
        IProgress<BackupProgress>? progress, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        try
        {
            var upload = staged.StreamedTo.Contains(target.Name)
                ? CopyOutcome.Streamed(staged, target.Name)
                : await UploadCopy.RunAsync(target, staged.StagingPath, staged.Keys.Artifact, ct).ConfigureAwait(false);
            progress?.Report(new BackupProgress("verify", target.Name, upload.Bytes, null));
            var check = await VerifyCopy.RunAsync(target, staged.Keys.Artifact, staged.Result.StoredSha256, ct).ConfigureAwait(false);
            progress?.Report(new BackupProgress(check.Verified ? "verified" : "failed", target.Name, upload.Bytes, check.Error));
            return upload with { Verified = check.Verified, Error = check.Error, Duration = upload.Duration + sw.Elapsed };
        }
        catch (TargetException e)
        {
            // One target failing must not stop the others: the run reports it as a failed copy.
            progress?.Report(new BackupProgress("failed", target.Name, 0, e.Message));
            return CopyOutcome.Failed(target.Name, staged.Keys.Artifact, e.Message, sw.Elapsed);
        }
    }
}
