using System.Runtime.InteropServices;

namespace BackupFunctions.Host.Memory;

/// <summary>
/// Gives the C allocator's free memory back to the operating system. glibc keeps what native code freed (libzstd's
/// contexts, OpenSSL's hashing state, the runtime's own) in per-thread arenas, and only ever returns the top of the
/// main heap by itself; <c>malloc_trim(0)</c> releases the free pages of every arena.
/// </summary>
internal static class NativeHeap
{
    /// <summary>True when the allocator was asked; false where there is nothing to ask (not Linux, or a libc without malloc_trim such as musl).</summary>
    public static bool Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            // Its result only says whether any page was free to return; either way the call did its job.
            _ = malloc_trim(0);
            return true;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    // DllImport, not LibraryImport: a blittable signature needs no generated marshalling (and no unsafe code).
    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int malloc_trim(nuint pad);
}
