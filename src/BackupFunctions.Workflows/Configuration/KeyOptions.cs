namespace BackupFunctions.Workflows.Configuration;

/// <summary>
/// Where key-encryption keys come from. Several sources merge into one key ring, so keys of
/// earlier rotations stay available for old backups.
/// </summary>
public sealed class KeyOptions
{
    /// <summary>A key file made by 'backupctl keys new'.</summary>
    public string? KeyFile { get; set; }

    /// <summary>A directory of key files (one per key id).</summary>
    public string? KeyDirectory { get; set; }

    /// <summary>Also read BF_KEK_&lt;ID&gt;=base64 variables (and BF_KEK_CURRENT).</summary>
    public bool FromEnvironment { get; set; }

    /// <summary>The key id new backups use; defaults to the one the files mark current.</summary>
    public string? CurrentKeyId { get; set; }
}
