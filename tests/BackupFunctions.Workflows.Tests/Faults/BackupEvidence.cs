using BackupFunctions.Workflows.Models;
using BackupFunctions.Workflows.Tests.Support;

namespace BackupFunctions.Workflows.Tests.Faults;

/// <summary>
/// What every fault test checks afterwards, from the stored objects (read directly, not through the proxies): the
/// good backup made before the fault is byte for byte where it was, and the faulted run added at most one artifact and
/// one manifest per target, a manifest only beside an artifact.
/// </summary>
internal static class BackupEvidence
{
    /// <summary>Fails unless every object of <paramref name="before"/> is still stored with the same SHA-256.</summary>
    public static void Untouched(SortedDictionary<string, string> before, SortedDictionary<string, string> after)
    {
        foreach (var (key, sha) in before)
        {
            Assert.True(after.TryGetValue(key, out var now), $"{key} of the earlier good backup is gone");
            Assert.True(now == sha, $"{key} of the earlier good backup was overwritten");
        }
    }

    /// <summary>The objects <paramref name="backupId"/> left per target ("target" → file names).</summary>
    public static Dictionary<string, List<string>> ObjectsOf(string backupId, SortedDictionary<string, string> snapshot) =>
        snapshot.Keys.Where(k => k.Contains("/" + backupId + "/", StringComparison.Ordinal))
            .GroupBy(k => k[..k.IndexOf(':', StringComparison.Ordinal)])
            .ToDictionary(g => g.Key, g => g.Select(k => k[(k.LastIndexOf('/') + 1)..]).Order().ToList());

    /// <summary>Each of <paramref name="good"/> holds exactly one artifact and one manifest of the backup; the other targets hold nothing of it.</summary>
    public static void PublishedExactlyOn(BackupRunSummary summary, SortedDictionary<string, string> snapshot, params string[] good)
    {
        var objects = ObjectsOf(summary.BackupId, snapshot);
        foreach (var target in new[] { ThreeTargets.Local, ThreeTargets.S3, ThreeTargets.Azure })
        {
            var held = objects.GetValueOrDefault(target) ?? [];
            if (good.Contains(target))
            {
                Assert.True(held.SequenceEqual(["artifact.bfa", "manifest.json"]), $"{target} holds [{string.Join(", ", held)}] of {summary.BackupId}");
            }
            else
            {
                Assert.True(held.Count == 0, $"{target} was down but holds [{string.Join(", ", held)}] of {summary.BackupId}");
            }
        }
    }
}
