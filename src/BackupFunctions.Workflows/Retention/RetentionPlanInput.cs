using BackupFunctions.Pipeline.Manifests;

namespace BackupFunctions.Workflows.Retention;

/// <summary>Everything the planner decides from: no I/O happens past this point.</summary>
public sealed record RetentionPlanInput
{
    /// <summary>Every copy found in every target (a manifest per copy; the artifact may be missing).</summary>
    public required IReadOnlyList<RetentionCopy> Copies { get; init; }

    /// <summary>The rules of a target for a kind.</summary>
    public required Func<string, BackupKind, RetentionRules> RulesFor { get; init; }

    /// <summary>The time ages are measured from.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>Each target keeps at least this many of its newest verified copies of each series (at least 1).</summary>
    public int MinVerifiedToKeep { get; init; } = 1;

    /// <summary>Backups a running restore reads, with the lease's end: kept on every target.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> Leases { get; init; } = new Dictionary<string, DateTimeOffset>();

    /// <summary>Copies whose deletion was started and not finished (<see cref="DeletionKey"/>).</summary>
    public IReadOnlySet<string> UnfinishedDeletions { get; init; } = new HashSet<string>();

    /// <summary>How a started deletion is looked up: target names are case-insensitive.</summary>
    public static string DeletionKey(string backupId, string target) => backupId + "@" + target.ToLowerInvariant();
}
