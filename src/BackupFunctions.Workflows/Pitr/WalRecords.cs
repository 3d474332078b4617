using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Targets;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>Reads the record (.json) of an archived WAL file from one target, its signature checked.</summary>
public static class WalRecords
{
    /// <summary>The record, or null when the target has none under this name.</summary>
    /// <exception cref="FormatException">Unreadable, or its signature is missing or does not verify (an <see cref="Pipeline.Manifests.InvalidManifestException"/>).</exception>
    public static async Task<WalSegmentRecord?> TryReadAsync(IBackupTarget target, string cluster, string walFile, KeyRing keys, CancellationToken ct)
    {
        byte[] bytes;
        try
        {
            await using var stream = await target.OpenReadAsync(PitrKeys.WalRecord(cluster, walFile), null, ct);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, ct);
            bytes = buffer.ToArray();
        }
        catch (TargetNotFoundException)
        {
            return null;
        }

        var record = PitrSignatures.ReadWalRecord(bytes, keys, $"The record of {walFile} in '{target.Name}'");
        if (record.WalFile != walFile)
            throw new FormatException($"The record of {walFile} in '{target.Name}' names {record.WalFile}; the archive was tampered with or mis-copied.");
        return record;
    }
}
