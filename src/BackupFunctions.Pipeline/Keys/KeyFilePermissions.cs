namespace BackupFunctions.Pipeline.Keys;

/// <summary>
/// Who may touch key material. A key file must not be readable or writable by other users (mode
/// 0600 or 0400; group read is tolerated for secret volumes shared through a group, group write is not).
/// A key directory must not be writable by group or others: whoever can add a file there could add a
/// key, or swap the current marker.
/// </summary>
public static class KeyFilePermissions
{
    private const UnixFileMode FileForbidden =
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute | UnixFileMode.GroupWrite;

    private const UnixFileMode DirectoryForbidden = UnixFileMode.OtherWrite | UnixFileMode.GroupWrite;

    public static void EnsurePrivateFile(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        var mode = File.GetUnixFileMode(path);
        if ((mode & FileForbidden) != 0)
        {
            throw new InsecureKeyFileException(
                $"Key file '{path}' is accessible to other users (mode {Octal(mode)}): refusing to use it, because the key-encryption key opens every backup. " +
                $"Fix: chmod 600 '{path}' (and check who may have copied it).");
        }
    }

    public static void EnsurePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        var mode = File.GetUnixFileMode(path);
        if ((mode & DirectoryForbidden) != 0)
        {
            throw new InsecureKeyFileException(
                $"Key directory '{path}' is writable by other users (mode {Octal(mode)}): anyone who can add a file there could add a key or change the current one. " +
                $"Fix: chmod 700 '{path}'.");
        }
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1FF, 8);
}
