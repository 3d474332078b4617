namespace BackupFunctions.Pipeline;

/// <summary>The disk questions every staged dump or restore asks: room on a directory, and removing what it left.</summary>
internal static class ScratchSpace
{
    public static long FreeBytes(string directory, Func<string, long>? probe) =>
        probe?.Invoke(directory) ?? new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;

    /// <summary>Deletes the directory and what is in it; returns why it could not, or null.</summary>
    public static string? TryDeleteDirectory(string directory)
    {
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }
}
