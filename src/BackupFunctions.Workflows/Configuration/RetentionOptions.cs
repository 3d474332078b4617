using BackupFunctions.Pipeline.Manifests;
using BackupFunctions.Workflows.Retention;

namespace BackupFunctions.Workflows.Configuration;

/// <summary>
/// How long each target keeps backups (e.g. 30 days on local disk, a year in the cloud). The newest
/// <see cref="MinVerifiedToKeep"/> verified backups of each database and kind are kept whatever the rules.
/// </summary>
/// <remarks>
/// The older settings keep working: <see cref="DefaultKeepDays"/> and <see cref="KeepDays"/> (per target) give the
/// age rule where <see cref="Targets"/> says nothing about it. <see cref="Targets"/> adds per-target and per-kind rules
/// (BackupFunctions:Retention:Targets:&lt;target&gt;[:Kinds:&lt;kind&gt;]:{KeepDays,KeepCount,Daily,Weekly,Monthly});
/// each unset field falls back from the kind to the target, and KeepDays then to the older settings.
/// </remarks>
public sealed class RetentionOptions
{
    public int DefaultKeepDays { get; set; } = 30;

    /// <summary>Per target name, overriding <see cref="DefaultKeepDays"/>.</summary>
    public Dictionary<string, int> KeepDays { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public int MinVerifiedToKeep { get; set; } = 1;

    /// <summary>Per target name: its rules, and per kind its overrides.</summary>
    public Dictionary<string, TargetRetentionOptions> Targets { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long a restore's lease holds a backup against retention when the restore never releases it (a crash).</summary>
    public TimeSpan RestoreLeaseDuration { get; set; } = TimeSpan.FromHours(12);

    public int DaysFor(string target) => KeepDays.TryGetValue(target, out var days) ? days : DefaultKeepDays;

    /// <summary>The effective rules of <paramref name="target"/> for <paramref name="kind"/>.</summary>
    public RetentionRules RulesFor(string target, BackupKind kind)
    {
        var forTarget = Targets.GetValueOrDefault(target);
        var forKind = forTarget?.Kinds.GetValueOrDefault(kind.ToString());
        return new RetentionRules(
            forKind?.KeepDays ?? forTarget?.KeepDays ?? DaysFor(target),
            forKind?.KeepCount ?? forTarget?.KeepCount ?? 0,
            forKind?.Daily ?? forTarget?.Daily ?? 0,
            forKind?.Weekly ?? forTarget?.Weekly ?? 0,
            forKind?.Monthly ?? forTarget?.Monthly ?? 0);
    }

    /// <summary>Every problem with these settings; <paramref name="targetNames"/> are the configured targets.</summary>
    public IEnumerable<string> Problems(IReadOnlyCollection<string> targetNames)
    {
        if (DefaultKeepDays < 0) yield return $"BackupFunctions:Retention:DefaultKeepDays is {DefaultKeepDays}: use 0 (off) or a number of days.";
        foreach (var (name, days) in KeepDays.Where(k => k.Value < 0))
            yield return $"BackupFunctions:Retention:KeepDays:{name} is {days}: use 0 (off) or a number of days.";
        if (MinVerifiedToKeep < 1)
            yield return $"BackupFunctions:Retention:MinVerifiedToKeep is {MinVerifiedToKeep}: at least 1 verified copy is always kept, so use 1 or more.";
        if (RestoreLeaseDuration <= TimeSpan.Zero)
            yield return "BackupFunctions:Retention:RestoreLeaseDuration must be positive (e.g. 12:00:00): it is how long a crashed restore still holds its backup.";

        foreach (var (name, target) in Targets)
        {
            var where = $"BackupFunctions:Retention:Targets:{name}";
            if (!targetNames.Contains(name, StringComparer.OrdinalIgnoreCase))
                yield return $"{where} names no configured target; the targets are: {string.Join(", ", targetNames)}.";
            foreach (var p in target.Problems(where)) yield return p;
            foreach (var (kind, rules) in target.Kinds)
            {
                if (!Enum.TryParse<BackupKind>(kind, ignoreCase: true, out _))
                    yield return $"{where}:Kinds:{kind} is not a backup kind; use one of: {string.Join(", ", Enum.GetNames<BackupKind>().Select(k => k.ToLowerInvariant()))}.";
                foreach (var p in rules.Problems($"{where}:Kinds:{kind}")) yield return p;
            }
        }

        // Rules that keep nothing would leave only the newest verified copy: almost surely a mistake, refused.
        foreach (var target in targetNames)
        {
            foreach (var kind in Enum.GetValues<BackupKind>())
            {
                if (RulesFor(target, kind).KeepsNothing)
                    yield return $"Retention of target '{target}' for {kind.ToString().ToLowerInvariant()} backups keeps nothing (KeepDays, KeepCount, Daily, Weekly and Monthly are all 0), "
                        + "so every run would delete all but the newest verified copy: set at least one rule above 0.";
            }
        }
    }
}
