namespace BackupFunctions.Targets.Upload;

/// <summary>
/// How many partitioned uploads (S3, Azure Blob) run in this process now, and how many were ever started. A long-lived
/// host reads these to see that it has gone idle after work (BackupFunctions.Host's IdleMemoryRelease), without
/// knowing which workflow ran.
/// </summary>
public static class ActiveUploads
{
    private static int _now;
    private static long _total;

    public static int Now => Volatile.Read(ref _now);

    public static long Total => Interlocked.Read(ref _total);

    internal static void Started()
    {
        Interlocked.Increment(ref _total);
        Interlocked.Increment(ref _now);
    }

    internal static void Ended() => Interlocked.Decrement(ref _now);
}
