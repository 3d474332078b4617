using Microsoft.DurableTask;

namespace BackupFunctions.TaskHub.Bench;

/// <summary>When and where an activity ran: the process and the wall clock (one machine, so one clock for both hosts).</summary>
public sealed record Stamp(int Pid, long Ticks);

/// <summary>
/// A fan-out's timeline. StartedTicks is the first episode's start (ctx.CurrentUtcDateTime: the moment the engine
/// began running the orchestration, after it took the start message off the control queue); LastEpisodeTicks the
/// start of the episode that saw the last result.
/// </summary>
public sealed record FanOutSummary(int Count, long StartedTicks, long FirstTicks, long LastTicks, long LastEpisodeTicks, Dictionary<string, int> PerHost);

/// <summary>
/// A chain's timeline: when each activity ran (Ticks) and when the episode that received its result began
/// (EpisodeTicks), so a step splits into "result back to the orchestrator" and "orchestrator to the next activity".
/// </summary>
public sealed record ChainResult(long[] Ticks, long[] EpisodeTicks, int[] Pids);

public sealed record ShortResult(int OrchestratorPid, int ActivityPid);

/// <summary>
/// Trivial tasks, so the figures measure the engine and not the work: the activity only says when and where it ran.
/// Registered as functions (the SDK worker builds them from the registry; no DI, no Activator).
/// </summary>
public static class BenchTasks
{
    public const string Stamp = "BenchStamp";
    public const string FanOut = "BenchFanOut";
    public const string Chain = "BenchChain";
    public const string Short = "BenchShort";

    private static long _activitiesRun;

    /// <summary>Activity executions in this process so far (progress lines only).</summary>
    public static long ActivitiesRun => Interlocked.Read(ref _activitiesRun);

    public static void Register(DurableTaskRegistry registry) => registry
        .AddActivityFunc<int, Stamp>(Stamp, (_, _) =>
        {
            Interlocked.Increment(ref _activitiesRun);
            return Task.FromResult(new Stamp(Environment.ProcessId, DateTime.UtcNow.Ticks));
        })
        .AddOrchestratorFunc<int, FanOutSummary>(FanOut, async (ctx, n) =>
        {
            var started = ctx.CurrentUtcDateTime.Ticks;
            var tasks = new Task<Stamp>[n];
            for (var i = 0; i < n; i++)
            {
                tasks[i] = ctx.CallActivityAsync<Stamp>(Stamp, i);
            }

            var stamps = await Task.WhenAll(tasks);
            return new FanOutSummary(stamps.Length, started, stamps.Min(s => s.Ticks), stamps.Max(s => s.Ticks), ctx.CurrentUtcDateTime.Ticks,
                stamps.GroupBy(s => s.Pid).ToDictionary(g => g.Key.ToString(), g => g.Count()));
        })
        .AddOrchestratorFunc<int, ChainResult>(Chain, async (ctx, n) =>
        {
            var ticks = new long[n];
            var episodes = new long[n];
            var pids = new int[n];
            for (var i = 0; i < n; i++)
            {
                var s = await ctx.CallActivityAsync<Stamp>(Stamp, i);
                ticks[i] = s.Ticks;
                pids[i] = s.Pid;
                episodes[i] = ctx.CurrentUtcDateTime.Ticks;
            }

            return new ChainResult(ticks, episodes, pids);
        })
        .AddOrchestratorFunc<int, ShortResult>(Short, async (ctx, i) =>
        {
            var s = await ctx.CallActivityAsync<Stamp>(Stamp, i);
            // The process that ran the final episode: for the report only (not replay-safe, and need not be).
            return new ShortResult(Environment.ProcessId, s.Pid);
        });
}
