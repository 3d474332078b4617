using BackupFunctions.Load.Bench;

// bf-load-reads: see ReadOptions.Usage. The key comes from the environment so it is not in the process list.
ReadOptions options;
try
{
    options = ReadOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var key = Environment.GetEnvironmentVariable("LOAD_KEY");
if (string.IsNullOrEmpty(key))
{
    Console.Error.WriteLine("Set LOAD_KEY to a function key of the hosts.");
    return 2;
}

// Enough pool threads from the start: the launcher must not wait for the pool to grow while the rate is held.
ThreadPool.SetMinThreads(Math.Max(Environment.ProcessorCount * 4, 16), Math.Max(Environment.ProcessorCount * 4, 16));
using var runner = new OpenLoopRunner(options, key);
Console.WriteLine($"reads: {options.Rate}/s for {options.Seconds} s (after {options.WarmupSeconds} s of warm-up not counted), " +
    $"{options.Connections} connections over {options.Hosts.Count} host(s), open loop, round-robin over:");
foreach (var t in runner.Targets)
{
    Console.WriteLine($"    {t}");
}

if (options.WarmupSeconds > 0)
{
    var (w, ww) = await runner.RunAsync(options.WarmupSeconds);
    Console.WriteLine(LatencyReport.Line("warm-up (not counted)", w, ww));
}

var load0 = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
var self0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
var cpu0 = options.CpuPids.Select(p => ProcessCpu.TreeSeconds(p.Pid)).ToArray();
var (outcomes, wall) = await runner.RunAsync(options.Seconds);
var cpu1 = options.CpuPids.Select(p => ProcessCpu.TreeSeconds(p.Pid)).ToArray();
var self1 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
var load1 = File.ReadAllText("/proc/loadavg").Split(' ')[..3];

Console.WriteLine(LatencyReport.Line($"all (target {options.Rate}/s)", outcomes, wall));
var targets = runner.Targets;
foreach (var group in outcomes.GroupBy(o => targets[o.Target] is var t && t.Contains('?') ? t[..t.IndexOf('?')] : t).OrderBy(g => g.Key))
{
    Console.WriteLine(LatencyReport.Line("  " + group.Key, group.ToArray(), wall));
}

var answers = outcomes.Count(o => o.Status != 0);
for (var i = 0; i < options.CpuPids.Count; i++)
{
    var used = cpu1[i] - cpu0[i];
    Console.WriteLine($"cpu {options.CpuPids[i].Label} (pid {options.CpuPids[i].Pid} and children): {used:F1} s in {wall.TotalSeconds:F1} s = " +
        $"{used / wall.TotalSeconds * 100:F0}% of a core, {(answers > 0 ? used * 1000 / answers : double.NaN):F2} ms per answer");
}

Console.WriteLine($"cpu this load generator: {(self1 - self0).TotalSeconds:F1} s = {(self1 - self0).TotalSeconds / wall.TotalSeconds * 100:F0}% of a core");
Console.WriteLine($"load average {string.Join(' ', load0)} at the start, {string.Join(' ', load1)} at the end; {Environment.ProcessorCount} cores");
return 0;
