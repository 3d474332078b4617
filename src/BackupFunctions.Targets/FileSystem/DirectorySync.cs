using System.Runtime.InteropServices;

namespace BackupFunctions.Targets.FileSystem;

/// <summary>
/// fsync of a directory, so that a rename into it is on disk before a put reports success (a crash
/// right after the rename could otherwise lose the new name). .NET has no API for this: a directory
/// cannot be opened as a FileStream, so on Unix call open(2)/fsync(2) directly. Best effort: file
/// systems that refuse fsync on directories are left alone, and Windows needs nothing here.
/// </summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0; // O_RDONLY

    public static void Flush(string directory)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())) return;
        var fd = Open(directory, ReadOnly);
        if (fd < 0) return;
        try
        {
            _ = Fsync(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for the string marshalling
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
#pragma warning restore SYSLIB1054
}
