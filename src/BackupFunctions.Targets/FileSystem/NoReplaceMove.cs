using System.Runtime.InteropServices;

namespace BackupFunctions.Targets.FileSystem;

/// <summary>
/// Gives a finished temporary file its final name only while that name is free, atomically.
/// rename(2) would silently replace whatever is there, so on Linux and macOS this uses link(2), which
/// the kernel refuses with EEXIST when the name is taken (also against a writer in another process at
/// the same instant), and then removes the temporary name. Windows' move without overwrite
/// (MoveFileEx without MOVEFILE_REPLACE_EXISTING) is atomic in the same way. A file system without hard
/// links (some FUSE and SMB mounts) falls back to .NET's no-overwrite move.
/// </summary>
internal static class NoReplaceMove
{
    private const int AlreadyExists = 17; // EEXIST on Linux and macOS

    /// <summary>Moves <paramref name="source"/> to <paramref name="destination"/>; false (and nothing changed) when the destination exists.</summary>
    public static bool TryMove(string source, string destination)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            if (Link(source, destination) == 0)
            {
                RemoveTemporaryName(source);
                return true;
            }

            if (Marshal.GetLastPInvokeError() == AlreadyExists) return false;
            // The put that took the name also swept this put's temporary file (ENOENT): the name is taken all the same.
            if (File.Exists(destination)) return false;
        }

        try
        {
            File.Move(source, destination, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(destination))
        {
            return false;
        }
    }

    // The object is already published under its final name; a temporary name that cannot go now is
    // invisible to readers and removed by the next put in that directory.
    private static void RemoveTemporaryName(string source)
    {
        try { File.Delete(source); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for the string marshalling
    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link([MarshalAs(UnmanagedType.LPUTF8Str)] string existing, [MarshalAs(UnmanagedType.LPUTF8Str)] string created);
#pragma warning restore SYSLIB1054
}
