using System.Diagnostics;

namespace BackupFunctions.Durable.Tests;

/// <summary>Two worker processes share one store; one is killed with SIGKILL in the middle of a fan-out.</summary>
public sealed class CrashTests(DatabaseFixture fx) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_killed_worker_process_loses_nothing_and_results_are_applied_exactly_once()
    {
        await using var h = await DurableHarness.StartAsync(fx.Db, _ => { }, startWorker: false);
        // Create the schema before the workers race to.
        await h.Client.GetInstanceAsync("warm-up");

        using var victim = StartWorker(h, "victim");
        using var survivor = StartWorker(h, "survivor");
        try
        {
            await WaitReady(victim);
            await WaitReady(survivor);
            var id = await h.Client.ScheduleNewOrchestrationInstanceAsync("CrashFanOut", 100);

            await DurableHarness.Eventually(async () =>
                await h.CountAsync($"history WHERE instance_id = '{id}' AND event_type = 'TaskCompleted'") >= 25
                && await h.CountAsync("tasks WHERE locked_by = 'victim'") > 0, 60, "victim busy mid-run");
            victim.Kill(); // SIGKILL: no cleanup, leases stay until they expire
            await victim.WaitForExitAsync();

            var done = await h.WaitAsync(id, 120);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
            Assert.Equal(Enumerable.Range(1, 100).Sum(i => (long)i * i), done.ReadOutputAs<long>());

            var history = await h.Client.GetHistoryAsync(id);
            var scheduled = history.Where(e => e.EventType == HistoryEventType.TaskScheduled).Select(e => e.EventId).ToList();
            Assert.Equal(100, scheduled.Count);
            var completions = history.Where(e => e.EventType == HistoryEventType.TaskCompleted).GroupBy(e => e.TaskScheduledId!.Value).ToList();
            Assert.Equal(scheduled.Order(), completions.Select(g => g.Key).Order());
            Assert.All(completions, g => Assert.Single(g));

            Assert.Equal(0, await h.CountAsync("tasks"));
            Assert.Equal(0, await h.CountAsync("messages"));
            Assert.Equal(0, await h.CountAsync("instances WHERE locked_by IS NOT NULL"));
        }
        finally
        {
            if (!victim.HasExited)
            {
                victim.Kill();
            }

            survivor.StandardInput.Close(); // graceful stop
            if (!survivor.WaitForExit(15_000))
            {
                survivor.Kill();
            }
        }
    }

    private static Process StartWorker(DurableHarness h, string workerId)
    {
        var testDir = Path.GetDirectoryName(typeof(CrashTests).Assembly.Location)!;
        var config = new DirectoryInfo(testDir).Parent!.Name; // .../bin/<Configuration>/net10.0
        var dll = Path.GetFullPath(Path.Combine(testDir, "../../../../BackupFunctions.Durable.TestWorker/bin", config, "net10.0", "BackupFunctions.Durable.TestWorker.dll"));
        Assert.True(File.Exists(dll), $"Test worker not built at {dll}");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add(h.Db.ConnectionString);
        psi.ArgumentList.Add(h.Hub);
        psi.ArgumentList.Add(workerId);
        return Process.Start(psi)!;
    }

    private static async Task WaitReady(Process p)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var line = await p.StandardOutput.ReadLineAsync(cts.Token);
        Assert.Equal("ready", line);
    }
}
