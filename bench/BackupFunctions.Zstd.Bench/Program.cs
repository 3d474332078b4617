using System.Diagnostics;
using BackupFunctions.Pipeline.Format;

// zstd port (ZstdSharp) against native libzstd (ZstdNet) on a plain dump held in memory, so only compression is timed:
// one stream, independent blocks on N threads (what the encoder does), and libzstd's own worker threads. CPU time is
// this process's user+sys from /proc/self/stat, which the other work on a shared machine does not inflate the way it
// does wall time; the load average is printed beside every row. Prints a markdown table; asserts nothing.
// Usage: BackupFunctions.Zstd.Bench <plain-dump-file> [level] [repeats]
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: BackupFunctions.Zstd.Bench <plain-dump-file> [level] [repeats]");
    return 2;
}

var data = File.ReadAllBytes(args[0]);
var level = args.Length > 1 ? int.Parse(args[1]) : CompressionCodec.DefaultZstdLevel;
var repeats = args.Length > 2 ? int.Parse(args[2]) : 3;
const int WriteSize = 256 << 10; // the encoder hands the compressor 256 KiB at a time

var cases = new (string Name, Func<Stream, Stream> Open)[]
{
    ("port, one stream", o => CompressionCodec.CreateCompressor(CompressionKind.Zstd, level, o, 0, ZstdEngine.Port)),
    ("native, one stream", o => CompressionCodec.CreateCompressor(CompressionKind.Zstd, level, o, 0, ZstdEngine.Native)),
    ("port, 4 MiB blocks on 2 threads", o => CompressionCodec.CreateCompressor(CompressionKind.Zstd, level, o, 2, ZstdEngine.Port)),
    ("native, 4 MiB blocks on 2 threads", o => CompressionCodec.CreateCompressor(CompressionKind.Zstd, level, o, 2, ZstdEngine.Native)),
    ("native, libzstd nbWorkers=2", o => new ZstdNet.CompressionStream(o, new ZstdNet.CompressionOptions(null,
        new Dictionary<ZstdNet.ZSTD_cParameter, int> { [ZstdNet.ZSTD_cParameter.ZSTD_c_checksumFlag] = 1, [ZstdNet.ZSTD_cParameter.ZSTD_c_nbWorkers] = 2 }, level))),
};

Console.WriteLine($"plain input: {data.Length / 1048576.0:F1} MiB, zstd level {level}, {Environment.ProcessorCount} cores, best of {repeats} by CPU time");
Console.WriteLine();
Console.WriteLine("| case | CPU s | wall s | MB/s (wall) | compressed MiB | ratio | load avg (1 min) |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
byte[]? portFrames = null, nativeFrames = null;
foreach (var (name, open) in cases)
{
    (double Cpu, double Wall, long Size, string Load) best = (double.MaxValue, 0, 0, "");
    for (var r = 0; r < repeats; r++)
    {
        var output = new MemoryStream(data.Length / 4);
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        var cpu0 = CpuSeconds();
        var sw = Stopwatch.StartNew();
        await using (var z = open(output))
        {
            for (var at = 0; at < data.Length; at += WriteSize)
                await z.WriteAsync(data.AsMemory(at, Math.Min(WriteSize, data.Length - at)));
        }

        sw.Stop();
        var cpu = CpuSeconds() - cpu0;
        if (cpu < best.Cpu) best = (cpu, sw.Elapsed.TotalSeconds, output.Length, load);
        if (name == "port, one stream") portFrames = output.ToArray();
        if (name == "native, one stream") nativeFrames = output.ToArray();
    }

    Console.WriteLine($"| {name} | {best.Cpu:F2} | {best.Wall:F2} | {data.Length / 1e6 / best.Wall:F0} | {best.Size / 1048576.0:F1} | {(double)best.Size / data.Length:F3} | {best.Load} |");
}

// Decoding: the restore path reads with the port; native would be the alternative.
Console.WriteLine();
Console.WriteLine("| decode | CPU s | wall s | load avg (1 min) |");
Console.WriteLine("|---|---:|---:|---:|");
foreach (var (name, open) in new (string, Func<Stream, Stream>)[]
{
    ("port reads native frames", s => CompressionCodec.CreateDecompressor(CompressionKind.Zstd, s)),
    ("native reads port frames", s => new ZstdNet.DecompressionStream(s)),
})
{
    var input = name.StartsWith("port", StringComparison.Ordinal) ? nativeFrames! : portFrames!;
    var bestCpu = double.MaxValue;
    var wall = 0.0;
    var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
    for (var r = 0; r < repeats; r++)
    {
        var cpu0 = CpuSeconds();
        var sw = Stopwatch.StartNew();
        await using var z = open(new MemoryStream(input));
        var buffer = new byte[WriteSize];
        long total = 0;
        int n;
        while ((n = await z.ReadAsync(buffer)) > 0) total += n;
        if (total != data.Length) throw new InvalidOperationException($"{name}: {total} bytes decoded, {data.Length} expected");
        var cpu = CpuSeconds() - cpu0;
        if (cpu < bestCpu) (bestCpu, wall) = (cpu, sw.Elapsed.TotalSeconds);
    }

    Console.WriteLine($"| {name} | {bestCpu:F2} | {wall:F2} | {load} |");
}

return 0;

// utime + stime of this process, from /proc/self/stat (fields 14 and 15, in clock ticks of 1/100 s).
static double CpuSeconds()
{
    var stat = File.ReadAllText("/proc/self/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
}
