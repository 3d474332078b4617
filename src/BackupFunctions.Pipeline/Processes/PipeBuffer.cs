using System.IO.Pipes;
using System.Runtime.InteropServices;

namespace BackupFunctions.Pipeline.Processes;

/// <summary>
/// Enlarges a child process's stdout/stdin pipe (Linux F_SETPIPE_SZ) from 64 KiB to 1 MiB, so the
/// producer keeps running through the moments our process is not scheduled, with fewer context
/// switches. Best effort: any failure leaves the default size.
/// </summary>
internal static partial class PipeBuffer
{
    private const int F_SETPIPE_SZ = 1031;
    public const int Size = 1 << 20;

    public static void TryEnlarge(Stream stream)
    {
        if (!OperatingSystem.IsLinux() || stream is not PipeStream pipe) return;
        try
        {
            var fd = (int)pipe.SafePipeHandle.DangerousGetHandle();
            _ = Fcntl(fd, F_SETPIPE_SZ, Size);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or ObjectDisposedException or InvalidOperationException)
        {
            // Not Linux glibc, or the pipe is gone: the default size works, only a little slower.
        }
    }

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int Fcntl(int fd, int cmd, int arg);
}
