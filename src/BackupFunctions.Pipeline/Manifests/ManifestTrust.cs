namespace BackupFunctions.Pipeline.Manifests;

/// <summary>How far a manifest read from a target can be trusted.</summary>
public enum ManifestTrust
{
    /// <summary>Its signature verified with a key of the ring: written by a holder of that key, unaltered.</summary>
    Signed,
    /// <summary>Written before manifests were signed (manifest version 1 of a format-1 artifact): readable, but nothing proves it unaltered.</summary>
    Unsigned,
}
