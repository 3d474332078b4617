namespace BackupFunctions.Workflows.Models;

/// <summary>What a restore does with its destination.</summary>
public static class RestoreModes
{
    /// <summary>Schema and data into a new (or empty) database.</summary>
    public const string Restore = "restore";

    /// <summary>A tenant backup's data only, into an existing database that holds other tenants (docs/restore.md).</summary>
    public const string Merge = "merge";

    public static readonly IReadOnlyList<string> All = [Restore, Merge];

    public static bool IsMerge(string? mode) => string.Equals(mode, Merge, StringComparison.OrdinalIgnoreCase);
}
