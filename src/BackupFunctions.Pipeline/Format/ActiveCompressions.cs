namespace BackupFunctions.Pipeline.Format;

/// <summary>
/// How many block-parallel zstd streams are open in this process now, and how many were ever opened. A long-lived
/// host reads these to see that it has gone idle after work (BackupFunctions.Host's IdleMemoryRelease), without
/// knowing which workflow ran.
/// </summary>
public static class ActiveCompressions
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
