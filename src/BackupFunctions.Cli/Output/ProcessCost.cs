using System.Diagnostics;
using System.Runtime;

namespace BackupFunctions.Cli.Output;

/// <summary>
/// What this process has spent so far, for the step lines of <c>backup -v</c>: wall time since exec, CPU (all our threads;
/// not pg_dump's), and the methods the JIT compiled. The deltas between two lines say where a backup's fixed cost goes
/// (docs/benchmarks.md, issue 17) without a profiler.
/// </summary>
internal static class ProcessCost
{
    public static string Now()
    {
        using var self = Process.GetCurrentProcess();
        var wall = DateTime.Now - self.StartTime;
        return $"[t+{wall.TotalSeconds:F3} s, cpu {self.TotalProcessorTime.TotalSeconds:F3} s, " +
            $"jit {JitInfo.GetCompiledMethodCount()} methods {JitInfo.GetCompilationTime().TotalSeconds:F3} s]";
    }
}
