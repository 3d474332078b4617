namespace BackupFunctions.Workflows.Inspection;

/// <summary>What reading one backup's manifest.json from one target came to.</summary>
public enum StoredManifestOutcome
{
    /// <summary>Read, parsed and its signature checked; <see cref="StoredManifestReport.Valid"/> says whether it describes this backup.</summary>
    Read,
    /// <summary>No target of that name is configured.</summary>
    UnknownTarget,
    /// <summary>The target has no manifest.json where this backup's belongs.</summary>
    Missing,
    /// <summary>There is one, but it is unreadable, malformed, altered or forged (its signature does not verify or was removed).</summary>
    Damaged,
    /// <summary>The target could not be read (network, permissions).</summary>
    Unreachable,
}
