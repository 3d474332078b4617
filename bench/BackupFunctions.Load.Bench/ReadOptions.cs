namespace BackupFunctions.Load.Bench;

/// <summary>The command line of bf-load-reads; every loop it drives is bounded by these numbers.</summary>
internal sealed record ReadOptions(
    IReadOnlyList<Uri> Hosts, IReadOnlyList<string> Paths, int Rate, int Seconds, int WarmupSeconds, int Connections,
    IReadOnlyList<(string Label, int Pid)> CpuPids)
{
    public const string Usage = """
        usage: LOAD_KEY=<function key> bf-load-reads --hosts http://127.0.0.1:P1[,http://127.0.0.1:P2] --path P [--path P ...]
                 [--rate 1000] [--seconds 30] [--warmup 5] [--connections 64] [--cpu label=pid ...]
          Sends --rate requests per second for --seconds (after --warmup seconds at the same rate that are not counted),
          round-robin over hosts x paths, on at most --connections kept-alive connections in all. Open loop: a request
          is due at its scheduled time whether or not earlier ones have answered, and its latency runs from that time,
          so a slow server (or a client that cannot keep up) shows in the figures instead of lowering the rate.
          --cpu label=pid: CPU seconds the process and its descendants used during the measured window, per answer.
        """;

    public static ReadOptions Parse(string[] args)
    {
        var hosts = new List<Uri>();
        var paths = new List<string>();
        var cpu = new List<(string, int)>();
        int rate = 1000, seconds = 30, warmup = 5, connections = 64;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            switch (args[i])
            {
                case "--hosts": hosts.AddRange(Next().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Loopback)); break;
                case "--path": paths.Add(Next()); break;
                case "--rate": rate = Bounded(Next(), "--rate", 1, 100_000); break;
                case "--seconds": seconds = Bounded(Next(), "--seconds", 1, 3600); break;
                case "--warmup": warmup = Bounded(Next(), "--warmup", 0, 600); break;
                case "--connections": connections = Bounded(Next(), "--connections", 1, 4096); break;
                case "--cpu": cpu.Add(CpuPid(Next())); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.\n{Usage}");
            }
        }

        if (hosts.Count == 0 || paths.Count == 0)
        {
            throw new ArgumentException($"--hosts and at least one --path are required.\n{Usage}");
        }

        return new ReadOptions(hosts, paths, rate, seconds, warmup, Math.Max(connections, hosts.Count), cpu);
    }

    /// <summary>This tool only ever loads this machine.</summary>
    private static Uri Loopback(string url)
    {
        var uri = new Uri(url, UriKind.Absolute);
        return uri.Host == "127.0.0.1" ? uri : throw new ArgumentException($"'{url}': only http://127.0.0.1 hosts are allowed.");
    }

    private static int Bounded(string text, string name, int min, int max) =>
        int.TryParse(text, out var v) && v >= min && v <= max ? v : throw new ArgumentException($"{name} must be a whole number from {min} to {max}; got '{text}'.");

    private static (string, int) CpuPid(string text)
    {
        var parts = text.Split('=', 2);
        return parts.Length == 2 && int.TryParse(parts[1], out var pid) && pid > 0
            ? (parts[0], pid)
            : throw new ArgumentException($"--cpu takes label=pid; got '{text}'.");
    }
}
