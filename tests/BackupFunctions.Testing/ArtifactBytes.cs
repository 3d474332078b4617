namespace BackupFunctions.Testing;

/// <summary>Where things are in a stored artifact's bytes (docs/artifact-format.md), for tests that damage them on purpose.</summary>
public static class ArtifactBytes
{
    /// <summary>The header's length: 117 + key id (format 1); format 2 adds backup id, database and created-at.</summary>
    public static int HeaderLength(byte[] artifact)
    {
        var at = 25 + artifact[24];
        if (artifact[4] == 1) return at + 92;
        at += 1 + artifact[at];
        at += 1 + artifact[at];
        return at + 8 + 92;
    }
}
