using System.Diagnostics;
using BackupFunctions.Targets;

namespace BackupFunctions.Workflows.Operations;

/// <summary>
/// Uploads a staged artifact to one target under its deterministic key. The staging file is
/// opened per target, so each upload streams it independently and a retry can rewind it.
/// Storage failures propagate as <see cref="TargetException"/>: the caller decides whether that is
/// a failed copy (the CLI) or a retry (an activity).
/// </summary>
public static class UploadCopy
{
    /// <param name="readBack">Ask the target to read the copy back as it writes it (<see cref="PutOptions.ReadBack"/>), for <see cref="CopyOutcome.ReadBack"/>.</param>
    public static async Task<CopyOutcome> RunAsync(IBackupTarget target, string stagingPath, string objectKey, bool readBack = false, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        await using var source = new FileStream(stagingPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var info = await target.PutAsync(objectKey, source, new PutOptions { ExpectedLength = source.Length, ReadBack = readBack }, ct).ConfigureAwait(false);
        return new CopyOutcome(target.Name, objectKey, true, false, info.Size, sw.Elapsed, null) { ReadBack = info.ReadBack };
    }

    /// <summary>
    /// Uploads from a stream that cannot be rewound (the staging file while it is written): the
    /// target retries parts, but a failed whole upload is the caller's to repeat from the finished file.
    /// </summary>
    public static async Task<CopyOutcome> RunAsync(IBackupTarget target, Stream source, string objectKey, long? expectedLength, bool readBack = false,
        CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var info = await target.PutAsync(objectKey, source, new PutOptions { ExpectedLength = expectedLength, ReadBack = readBack }, ct).ConfigureAwait(false);
        return new CopyOutcome(target.Name, objectKey, true, false, info.Size, sw.Elapsed, null) { ReadBack = info.ReadBack };
    }

    /// <summary>Copies the artifact from another target's copy (the staging file is on another host).</summary>
    public static async Task<CopyOutcome> FromTargetAsync(IBackupTarget source, IBackupTarget target, string objectKey, long expectedLength, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        TargetObjectInfo info;
        try
        {
            await using var stream = await source.OpenReadAsync(objectKey, ct: ct).ConfigureAwait(false);
            info = await target.PutAsync(objectKey, stream, new PutOptions { ExpectedLength = expectedLength }, ct).ConfigureAwait(false);
        }
        catch (TargetObjectExistsException taken) when (!taken.ContentDiffers)
        {
            // A read stream cannot be rewound for the retrying target's comparison, so compare the two stored copies:
            // the same bytes mean an earlier run of this copy stored them and was not heard back from.
            var there = await TargetVerifier.HashAsync(target, objectKey, ct).ConfigureAwait(false);
            var wanted = await TargetVerifier.HashAsync(source, objectKey, ct).ConfigureAwait(false);
            if (there != wanted)
            {
                throw new TargetObjectExistsException(target.Name, objectKey,
                    $"stored {there.Length} bytes, SHA-256 {there.Sha256[..16]}…; '{source.Name}' holds {wanted.Length} bytes, {wanted.Sha256[..16]}…", taken);
            }

            info = new TargetObjectInfo(objectKey, there.Length);
        }

        return new CopyOutcome(target.Name, objectKey, true, false, info.Size, sw.Elapsed, null);
    }
}
