using BackupFunctions.Pipeline;
using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Pipeline.Streams;
using BackupFunctions.Targets;

namespace BackupFunctions.Workflows.Operations;

/// <summary>
/// <see cref="DumpToStaging"/> with every target uploading the staging file as it grows, instead of
/// waiting for it: each copy is then committed about when the dump ends, and the backup costs about its
/// slowest stage rather than the dump plus the slowest upload. The readers see the end of the file only
/// once the dump succeeded, so a failed dump aborts every upload and commits nothing.
/// </summary>
/// <remarks>
/// A streamed upload cannot be replayed (the target retries its parts, not the whole object), so a
/// target whose streamed upload failed is left out of <see cref="StagedArtifact.StreamedTo"/>, and the
/// caller uploads to it from the finished staging file, with its usual retries.
/// </remarks>
public static class DumpAndStream
{
    /// <param name="beforeCommit">See <see cref="DumpToStaging.RunAsync"/>: a refusal there aborts every streamed upload.</param>
    /// <param name="readBack">Ask each target to read its copy back as it writes it (<see cref="StagedArtifact.StreamedReadBack"/>).</param>
    public static async Task<StagedArtifact> RunAsync(BackupEnvironment env, DumpRequest request, IReadOnlyList<IBackupTarget> targets,
        IProgress<PipelineProgress>? dumpProgress = null, IProgress<BackupProgress>? progress = null, CancellationToken ct = default,
        Func<CancellationToken, Task>? beforeCommit = null, bool readBack = false)
    {
        var live = DumpToStaging.LiveStaging(env, request.BackupId);
        var objectKey = DumpToStaging.KeysFor(env, request).Artifact;
        using var dumpFailed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var uploads = targets.Select(t => StreamUploadAsync(t, live, objectKey, progress, readBack, dumpFailed.Token)).ToArray();
        StagedArtifact staged;
        try
        {
            staged = await DumpToStaging.RunAsync(env, request, dumpProgress, ct, live, beforeCommit).ConfigureAwait(false);
        }
        catch
        {
            // Unblocks readers waiting on a dump that failed before it wrote anything.
            await dumpFailed.CancelAsync().ConfigureAwait(false);
            try { await Task.WhenAll(uploads).ConfigureAwait(false); } catch (Exception) { /* the dump's failure is the one to report */ }
            throw;
        }

        var done = await Task.WhenAll(uploads).ConfigureAwait(false);
        DumpToStaging.FinishLive(live, staged);
        var streamed = targets.Where((_, i) => done[i] is not null).Select(t => t.Name).ToList();
        var readBackHashes = done.OfType<CopyOutcome>().Where(c => c.ReadBack is not null).ToDictionary(c => c.Target, c => c.ReadBack!);
        return staged with { StreamedTo = streamed, StreamedReadBack = readBackHashes };
    }

    private static async Task<CopyOutcome?> StreamUploadAsync(IBackupTarget target, GrowingFile live, string objectKey,
        IProgress<BackupProgress>? progress, bool readBack, CancellationToken ct)
    {
        progress?.Report(new BackupProgress("upload", target.Name, 0, null));
        try
        {
            await using var source = live.OpenReader();
            return await UploadCopy.RunAsync(target, source, objectKey, expectedLength: null, readBack, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TargetException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            // Uploaded again from the finished file by the caller (or moot when the dump failed).
            return null;
        }
    }
}
