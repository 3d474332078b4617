using System.Diagnostics;
using BackupFunctions.Targets;

namespace BackupFunctions.Workflows.Operations;

/// <summary>
/// Uploads a staged artifact to one target under its deterministic key. The staging file is
/// opened per target, so each upload streams it independently and a retry can rewind it.
/// </summary>
public static class UploadCopy
{
    public static async Task<CopyOutcome> RunAsync(IBackupTarget target, string stagingPath, string objectKey, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        try
        {
            await using var source = new FileStream(stagingPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            var info = await target.PutAsync(objectKey, source, new PutOptions { ExpectedLength = source.Length }, ct).ConfigureAwait(false);
            return new CopyOutcome(target.Name, objectKey, true, false, info.Size, sw.Elapsed, null);
        }
        catch (TargetException e)
        {
            return CopyOutcome.Failed(target.Name, objectKey, e.Message, sw.Elapsed);
        }
    }
}
