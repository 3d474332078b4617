using System.Runtime.InteropServices;

namespace BackupFunctions.Workflows.Staging;

/// <summary>
/// Who owns a path, and who this process is: .NET exposes a file's mode but not its owner. Linux's
/// statx(2) has one layout on every architecture (stx_uid at byte 20 of a 256-byte buffer), unlike
/// struct stat, which is why it is used here.
/// </summary>
internal static class FileOwner
{
    private const int AtFdCwd = -100;
    private const uint StatxUid = 0x8;
    private const int StatxUidOffset = 20;

    /// <summary>The owner's uid, or null where it cannot be asked (not Linux, or a libc without statx).</summary>
    public static uint? OwnerOf(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var buffer = new byte[256];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxUid, buffer) != 0)
            {
                throw new IOException($"Could not read the owner of '{path}' (errno {Marshal.GetLastWin32Error()}).");
            }
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }

        return BitConverter.ToUInt32(buffer, StatxUidOffset);
    }

    /// <summary>The effective uid of this process; null where not Linux.</summary>
    public static uint? CurrentUser() => OperatingSystem.IsLinux() ? GetEuid() : null;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEuid();
}
