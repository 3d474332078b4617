namespace BackupFunctions.Workflows.Restore.Merge;

/// <summary>
/// One table's row counts, taken inside the merge's transaction (one snapshot, REPEATABLE READ):
/// before anything ran, the tenant's rows deleted (replace only), and after the load. The merge
/// commits only when <see cref="Ok"/> holds for every table.
/// </summary>
public sealed record MergeTableCheck(
    string Table,
    bool Shared,
    long Expected,
    long TotalBefore,
    long TenantBefore,
    long Deleted,
    long TotalAfter,
    long TenantAfter)
{
    /// <summary>The tenant's rows this merge added: after, minus what was left of them before the load.</summary>
    public long Merged => TenantAfter - (TenantBefore - Deleted);

    public long OthersBefore => TotalBefore - TenantBefore;

    public long OthersAfter => TotalAfter - TenantAfter;

    /// <summary>Added exactly the manifest's rows of this table, and left every other tenant's rows as they were.</summary>
    public bool Ok => Merged == Expected && OthersAfter == OthersBefore;

    public override string ToString() =>
        $"{Table}: {Merged} tenant row(s) merged (manifest {Expected}), other rows {OthersBefore} before and {OthersAfter} after";
}
