namespace BackupFunctions.Pipeline.Manifests;

/// <summary>What a backup holds.</summary>
public enum BackupKind
{
    /// <summary>pg_dump of a whole database.</summary>
    Full,
    /// <summary>One tenant's rows, dumped under row-level security.</summary>
    Tenant,
    /// <summary>A set of configuration files, tar'd.</summary>
    Files,
    /// <summary>pg_dumpall --globals-only: roles, memberships, tablespaces.</summary>
    Globals,
}
