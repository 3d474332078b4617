using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace BackupFunctions.TaskHub.Bench;

/// <summary>One measured figure: the headline in Result, how it splits in Detail.</summary>
public sealed record Row(string Scenario, int Hosts, string Settings, string Result, string Detail, string Load);

/// <summary>
/// The three workloads of issue 11, driven through host 1's DurableTaskClient. Times come from the engine's own
/// records where they can (activity stamps, episode starts, the instance's last-updated time: the moment its
/// completion event was recorded), so the client's polling interval does not enter the figures.
/// </summary>
public sealed class Scenarios(DurableTaskClient client, string hub, TimeSpan timeout, Func<int, string> hostOf)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public async Task<(string Result, string Detail)> FanOutAsync(string id, int n)
    {
        var t0 = DateTime.UtcNow;
        await client.ScheduleNewOrchestrationInstanceAsync(BenchTasks.FanOut, n, new StartOrchestrationOptions(id));
        var meta = await WaitAsync(id);
        if (meta?.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
        {
            return Failed(meta, n);
        }

        var s = meta.ReadOutputAs<FanOutSummary>()!;
        var done = meta.LastUpdatedAt.UtcDateTime;
        var wall = (done - t0).TotalSeconds;
        var window = Seconds(s.LastTicks - s.FirstTicks);
        var detail = string.Format(Inv,
            "{0:F1} s in all: start→first episode {1:F2} s, →first activity {2:F2} s, activities {3:F1} s ({4:F0}/s), " +
            "last activity→last episode {5:F2} s, →completed {6:F2} s; {7}",
            wall, Seconds(s.StartedTicks - t0.Ticks), Seconds(s.FirstTicks - s.StartedTicks), window, n / Math.Max(window, 1e-3),
            Seconds(s.LastEpisodeTicks - s.LastTicks), Seconds(done.Ticks - s.LastEpisodeTicks), Share(s.PerHost.ToDictionary(kv => int.Parse(kv.Key, Inv), kv => kv.Value)));
        detail += "; " + await BenchHost.HistoryCostAsync(hub, id);
        return (string.Format(Inv, "**{0:F0} activities/s**", n / wall), detail);
    }

    public async Task<(string Result, string Detail)> ChainAsync(string idPrefix, int steps, int chains)
    {
        var step = new List<double>();
        var back = new List<double>();
        var forward = new List<double>();
        var pids = new Dictionary<int, int>();
        double wallPerStep = 0;
        for (var c = 0; c < chains; c++)
        {
            var id = $"{idPrefix}-{c}";
            var t0 = DateTime.UtcNow;
            await client.ScheduleNewOrchestrationInstanceAsync(BenchTasks.Chain, steps, new StartOrchestrationOptions(id));
            var meta = await WaitAsync(id);
            if (meta?.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
            {
                return Failed(meta, steps);
            }

            var r = meta.ReadOutputAs<ChainResult>()!;
            wallPerStep += (meta.LastUpdatedAt.UtcDateTime - t0).TotalMilliseconds / steps / chains;
            for (var i = 0; i < steps; i++)
            {
                pids[r.Pids[i]] = pids.GetValueOrDefault(r.Pids[i]) + 1;
                back.Add(Millis(r.EpisodeTicks[i] - r.Ticks[i]));
                if (i + 1 < steps)
                {
                    step.Add(Millis(r.Ticks[i + 1] - r.Ticks[i]));
                    forward.Add(Millis(r.Ticks[i + 1] - r.EpisodeTicks[i]));
                }
            }
        }

        var history = await BenchHost.HistoryCostAsync(hub, $"{idPrefix}-0");
        var detail = string.Format(Inv,
            "{0} × {1} steps; mean {2:F0} ms, wall {3:F0} ms a step; result→orchestrator p50 {4:F0} ms, orchestrator→next activity p50 {5:F0} ms; {6}",
            chains, steps, step.Average(), wallPerStep, Percentile(back, 0.5), Percentile(forward, 0.5), Share(pids)) + "; each chain: " + history;
        return (string.Format(Inv, "**p50 {0:F0} ms / p99 {1:F0} ms** a step", Percentile(step, 0.5), Percentile(step, 0.99)), detail);
    }

    public async Task<(string Result, string Detail)> BurstAsync(string idPrefix, int count)
    {
        var ids = Enumerable.Range(0, count).Select(i => $"{idPrefix}-{i:D4}").ToList();
        var t0 = DateTime.UtcNow;
        await Task.WhenAll(ids.Select((id, i) => client.ScheduleNewOrchestrationInstanceAsync(BenchTasks.Short, i, new StartOrchestrationOptions(id))));
        var started = (DateTime.UtcNow - t0).TotalSeconds;
        var deadline = DateTime.UtcNow + timeout;
        List<OrchestrationMetadata> finished;
        while (true)
        {
            finished = await QueryAsync(idPrefix, fetchOutputs: false);
            if (finished.Count >= count || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(500);
        }

        if (finished.Count < count || finished.Any(m => m.RuntimeStatus != OrchestrationRuntimeStatus.Completed))
        {
            return ($"**timed out or failed**: {finished.Count(m => m.RuntimeStatus == OrchestrationRuntimeStatus.Completed)} of {count} completed",
                string.Format(Inv, "after {0:F0} s", timeout.TotalSeconds));
        }

        finished = await QueryAsync(idPrefix, fetchOutputs: true);
        var wall = (finished.Max(m => m.LastUpdatedAt.UtcDateTime) - t0).TotalSeconds;
        var latency = finished.Select(m => (m.LastUpdatedAt - m.CreatedAt).TotalMilliseconds).ToList();
        var outputs = finished.Select(m => m.ReadOutputAs<ShortResult>()!).ToList();
        var detail = string.Format(Inv,
            "all completed {0:F1} s after the first start; {1} starts took {2:F1} s ({3:F0}/s); start→completed p50 {4:F1} s, p99 {5:F1} s; orchestrations {6}; activities {7}",
            wall, count, started, count / started, Percentile(latency, 0.5) / 1000, Percentile(latency, 0.99) / 1000,
            Share(outputs.GroupBy(o => o.OrchestratorPid).ToDictionary(g => g.Key, g => g.Count())),
            Share(outputs.GroupBy(o => o.ActivityPid).ToDictionary(g => g.Key, g => g.Count())));
        return (string.Format(Inv, "**{0:F1} orchestrations/s**", count / wall), detail);
    }

    private async Task<List<OrchestrationMetadata>> QueryAsync(string idPrefix, bool fetchOutputs)
    {
        var query = new OrchestrationQuery
        {
            InstanceIdPrefix = idPrefix,
            Statuses = [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated],
            PageSize = 1000,
            FetchInputsAndOutputs = fetchOutputs,
        };
        var list = new List<OrchestrationMetadata>();
        await foreach (var m in client.GetAllInstancesAsync(query))
        {
            if (m.InstanceId.StartsWith(idPrefix, StringComparison.Ordinal))
            {
                list.Add(m);
            }
        }

        return list;
    }

    private async Task<OrchestrationMetadata?> WaitAsync(string id)
    {
        var started = DateTime.UtcNow;
        var deadline = started + timeout;
        var nextProgress = started.AddSeconds(15);
        var runBefore = BenchTasks.ActivitiesRun;
        while (DateTime.UtcNow < deadline)
        {
            var meta = await client.GetInstanceAsync(id, getInputsAndOutputs: false);
            if (meta is { IsCompleted: true })
            {
                return await client.GetInstanceAsync(id, getInputsAndOutputs: true);
            }

            if (DateTime.UtcNow > nextProgress)
            {
                Console.Error.WriteLine($"      {id}: {meta?.RuntimeStatus} after {(DateTime.UtcNow - started).TotalSeconds:F0} s; " +
                    $"host 1 ran {BenchTasks.ActivitiesRun - runBefore} activities so far");
                nextProgress = nextProgress.AddSeconds(15);
            }

            await Task.Delay(250);
        }

        try
        {
            await client.TerminateInstanceAsync(id, "benchmark timeout");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"terminate {id}: {ex.Message}");
        }

        return null;
    }

    private (string, string) Failed(OrchestrationMetadata? meta, int n) => meta is null
        ? ("**timed out**", string.Format(Inv, "not completed within {0:F0} s ({1} tasks)", timeout.TotalSeconds, n))
        : ($"**{meta.RuntimeStatus}**", meta.FailureDetails?.ErrorMessage ?? "");

    private string Share(Dictionary<int, int> perPid) =>
        string.Join(", ", perPid.OrderBy(kv => hostOf(kv.Key)).Select(kv => $"{hostOf(kv.Key)} {kv.Value}"));

    private static double Seconds(long ticks) => TimeSpan.FromTicks(ticks).TotalSeconds;

    private static double Millis(long ticks) => TimeSpan.FromTicks(ticks).TotalMilliseconds;

    /// <summary>Nearest-rank percentile.</summary>
    public static double Percentile(IEnumerable<double> values, double q)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(q * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
