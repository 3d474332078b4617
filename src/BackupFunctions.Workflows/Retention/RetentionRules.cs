namespace BackupFunctions.Workflows.Retention;

/// <summary>
/// The rules one target applies to one kind of backup. A copy is kept when any rule keeps it (the union, as restic's
/// <c>forget</c> does); 0 switches a rule off. Whatever the rules, the newest verified backups are kept (see
/// <see cref="RetentionPlanner"/>).
/// </summary>
/// <param name="KeepDays">Keep copies younger than this many days.</param>
/// <param name="KeepCount">Keep the newest this-many copies (per database, tenant and kind).</param>
/// <param name="Daily">Grandfather-father-son: keep the newest copy of each of the newest this-many days that have one.</param>
/// <param name="Weekly">… of each of the newest this-many ISO weeks.</param>
/// <param name="Monthly">… of each of the newest this-many calendar months (UTC).</param>
public sealed record RetentionRules(int KeepDays = 0, int KeepCount = 0, int Daily = 0, int Weekly = 0, int Monthly = 0)
{
    /// <summary>True when no rule keeps anything: only the invariants would hold a copy back.</summary>
    public bool KeepsNothing => KeepDays == 0 && KeepCount == 0 && Daily == 0 && Weekly == 0 && Monthly == 0;

    public override string ToString()
    {
        var parts = new List<string>();
        if (KeepDays > 0) parts.Add($"keep-days {KeepDays}");
        if (KeepCount > 0) parts.Add($"keep-count {KeepCount}");
        if (Daily > 0) parts.Add($"daily {Daily}");
        if (Weekly > 0) parts.Add($"weekly {Weekly}");
        if (Monthly > 0) parts.Add($"monthly {Monthly}");
        return parts.Count == 0 ? "no rule" : string.Join(", ", parts);
    }
}
