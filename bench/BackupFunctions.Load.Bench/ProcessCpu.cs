namespace BackupFunctions.Load.Bench;

/// <summary>
/// CPU time (user + system) of a process and its descendants, from /proc: enough to say which process of the
/// server side (host, Azurite, PostgreSQL) a read costs, without a profiler attached.
/// </summary>
internal static class ProcessCpu
{
    private static readonly double TicksPerSecond = 100.0; // USER_HZ on Linux

    /// <summary>Seconds of CPU used so far by <paramref name="root"/> and every live descendant (NaN if it is gone).</summary>
    public static double TreeSeconds(int root)
    {
        var stats = new Dictionary<int, (int Parent, long Ticks)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Read(pid) is { } s)
            {
                stats[pid] = s;
            }
        }

        if (!stats.ContainsKey(root))
        {
            return double.NaN;
        }

        long total = 0;
        foreach (var (pid, s) in stats)
        {
            // Walk up at most 64 parents: /proc can change under us, and a cycle must not loop.
            var p = pid;
            for (var hops = 0; hops < 64 && p > 1; hops++)
            {
                if (p == root)
                {
                    total += s.Ticks;
                    break;
                }

                p = stats.TryGetValue(p, out var up) ? up.Parent : 0;
            }
        }

        return total / TicksPerSecond;
    }

    private static (int, long)? Read(int pid)
    {
        try
        {
            // Fields after the command name (which may hold spaces and parentheses): state ppid ... utime(14) stime(15).
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var f = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (int.Parse(f[1]), long.Parse(f[11]) + long.Parse(f[12]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
