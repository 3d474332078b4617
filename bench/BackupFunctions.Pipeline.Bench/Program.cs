using System.Diagnostics;
using System.Security.Cryptography;
using BackupFunctions.Pipeline;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Keys;

// Encodes a plain dump file (fed through `dd bs=4096`, so the source is a child's pipe as with pg_dump)
// with each compression setting given, and prints wall time, CPU time, size and throughput.
// Usage: BackupFunctions.Pipeline.Bench <plain-dump-file> [level:threads ...]
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: BackupFunctions.Pipeline.Bench <plain-dump-file> [level:threads ...]");
    return 2;
}

var file = args[0];
var settings = args.Length > 1 ? args[1..] : ["1:0", "3:0", "1:2", "3:2"];
var key = new KeyEncryptionKey("bench", RandomNumberGenerator.GetBytes(32));
var size = new FileInfo(file).Length;
Console.WriteLine($"| zstd level | threads | wall s | CPU s | MB/s | stored MiB | ratio | RSS after, MiB |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var s in settings)
{
    var parts = s.Split(':');
    var options = new ArtifactEncodeOptions(key) { CompressionLevel = int.Parse(parts[0]), CompressionThreads = int.Parse(parts[1]) };
    // 4 KiB writes, as pg_dump's stdio does into a pipe.
    using var cat = Process.Start(new ProcessStartInfo("dd", [$"if={file}", "bs=4096", "status=none"]) { RedirectStandardOutput = true })!;
    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    var result = await ArtifactEncoder.EncodeAsync(cat.StandardOutput.BaseStream, Stream.Null, options);
    sw.Stop();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
    Console.WriteLine($"| {options.EffectiveLevel} | {options.CompressionThreads} | {sw.Elapsed.TotalSeconds:F2} | {cpu.TotalSeconds:F2} | " +
        $"{size / 1e6 / sw.Elapsed.TotalSeconds:F0} | {result.StoredBytes / 1048576.0:F1} | {(double)result.StoredBytes / size:F3} | {Environment.WorkingSet / 1048576.0:F0} |");
}
return 0;
