namespace BackupFunctions.Workflows.Catalog;

/// <summary>
/// Every manifest found for a backup was refused (malformed, altered or forged): nothing about it can
/// be trusted, so it is neither restored nor reported intact.
/// </summary>
public sealed class ManifestRejectedException(string backupId, IReadOnlyList<InvalidManifest> refused)
    : Exception($"Backup '{backupId}' has no usable manifest in any target: " +
                string.Join("; ", refused.Select(r => $"{r.Target}: {r.Reason}")))
{
    public string BackupId { get; } = backupId;
    public IReadOnlyList<InvalidManifest> Refused { get; } = refused;
    public bool Forged => Refused.Any(r => r.Forged);
}
