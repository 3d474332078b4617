using BackupFunctions.Workflows.Staging;

namespace BackupFunctions.Workflows.Tests.Support;

/// <summary>What a run left in the staging directory: everything but the lock file each process holds there by design.</summary>
public static class StagingLeftovers
{
    public static IReadOnlyList<string> In(string stagingDirectory) =>
        Directory.EnumerateFileSystemEntries(stagingDirectory)
            .Where(p => Path.GetFileName(p) != StagingArea.LockFileName)
            .ToList();
}
