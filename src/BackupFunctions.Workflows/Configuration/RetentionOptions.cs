namespace BackupFunctions.Workflows.Configuration;

/// <summary>
/// How long each target keeps backups (e.g. 30 days on local disk, a year in the cloud). The newest
/// <see cref="MinVerifiedToKeep"/> verified backups of each database and kind are kept whatever their age.
/// </summary>
public sealed class RetentionOptions
{
    public int DefaultKeepDays { get; set; } = 30;

    /// <summary>Per target name, overriding <see cref="DefaultKeepDays"/>.</summary>
    public Dictionary<string, int> KeepDays { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public int MinVerifiedToKeep { get; set; } = 1;

    public int DaysFor(string target) => KeepDays.TryGetValue(target, out var days) ? days : DefaultKeepDays;
}
