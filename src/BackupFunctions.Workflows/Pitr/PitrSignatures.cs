using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Manifests;

namespace BackupFunctions.Workflows.Pitr;

/// <summary>
/// Signs base-manifest.json and the WAL records with the manifest v2 scheme (<see cref="RecordSigner"/>), keyed by the
/// key-encryption key that encrypted the artifact they describe, and checks them on every read: someone who can write
/// to a target but lacks the key can neither alter a record (sizes, hashes, LSNs, times) nor make one up. A record
/// without a signature is refused; PITR records were signed from their first release on the main branch.
/// </summary>
public static class PitrSignatures
{
    /// <summary>HKDF info per record kind: a WAL record's signature never verifies a base manifest, nor the reverse.</summary>
    public const string BaseManifestPurpose = "BackupFunctions base-backup manifest signature v1";
    public const string WalRecordPurpose = "BackupFunctions WAL record signature v1";

    public static byte[] Sign(BaseBackupManifest manifest, KeyRing keys)
    {
        var unsigned = manifest with { Version = BaseBackupManifest.CurrentVersion, Signature = null };
        var signature = RecordSigner.Sign(PitrJson.Serialize(unsigned), keys.Get(manifest.KeyId), BaseManifestPurpose);
        return PitrJson.Serialize(unsigned with { Signature = signature });
    }

    public static byte[] Sign(WalSegmentRecord record, KeyRing keys)
    {
        var unsigned = record with { Version = WalSegmentRecord.CurrentVersion, Signature = null };
        var signature = RecordSigner.Sign(PitrJson.Serialize(unsigned), keys.Get(record.KeyId), WalRecordPurpose);
        return PitrJson.Serialize(unsigned with { Signature = signature });
    }

    /// <exception cref="InvalidManifestException">Unsigned, altered, forged, or signed with a key the ring lacks.</exception>
    public static BaseBackupManifest ReadBaseManifest(byte[] utf8, KeyRing keys, string what)
    {
        RecordSigner.Verify(utf8, keys, BaseManifestPurpose, what);
        return PitrJson.Deserialize<BaseBackupManifest>(utf8, what);
    }

    /// <exception cref="InvalidManifestException">Unsigned, altered, forged, or signed with a key the ring lacks.</exception>
    public static WalSegmentRecord ReadWalRecord(byte[] utf8, KeyRing keys, string what)
    {
        RecordSigner.Verify(utf8, keys, WalRecordPurpose, what);
        return PitrJson.Deserialize<WalSegmentRecord>(utf8, what);
    }
}
