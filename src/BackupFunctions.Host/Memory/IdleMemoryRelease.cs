using BackupFunctions.Host.Hosting;
using BackupFunctions.Host.Logging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BackupFunctions.Host.Memory;

/// <summary>
/// Gives memory back when the host goes idle after a backup: a compacting full collection that also decommits the
/// managed heap's free regions, then glibc's free arena pages (<see cref="NativeHeap"/>). Without it each backup left
/// garbage, fragmentation and freed native memory behind, and the next one peaked higher (three 1 GB backups in one
/// host at efbe1b0: 273 → 291 → 295 MiB; docs/benchmarks.md, "session 9"). The pools' own buffers are live and stay: the next
/// backup reuses them.
/// </summary>
internal sealed class IdleMemoryRelease(IOptions<BackupHostOptions> options, ILogger<IdleMemoryRelease> logger) : BackgroundService
{
    /// <summary>
    /// The work count of the last release by any instance: the counters are process-wide, so a process that runs several
    /// hosts (the tests do) releases once per quiet spell, not once per host.
    /// </summary>
    private static long _lastReleasedAt = -1;

    /// <summary>
    /// What counts as work (tests replace it). Read once here, as the hosted services are built, so the process starts
    /// listening before any workflow can start a compression or upload whose end it would otherwise see without its start.
    /// </summary>
    internal Func<WorkMeter> Meter { get; init; } = WorkListener.Shared.Read;

    /// <summary>The release itself (tests replace it).</summary>
    internal Action Release { get; init; } = ReleaseNow;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.ReleaseMemoryWhenIdle)
        {
            return;
        }

        var idle = new IdleAfterWork();
        using var timer = new PeriodicTimer(settings.IdleMemoryCheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var meter = Meter();
                if (!idle.Observe(meter.Started, meter.Running) || Interlocked.Exchange(ref _lastReleasedAt, meter.Started) == meter.Started)
                {
                    continue;
                }

                var before = Environment.WorkingSet;
                Release();
                Log.MemoryReleased(logger, before >> 20, Environment.WorkingSet >> 20);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    private static void ReleaseNow()
    {
        // Aggressive: compacts every generation including the large-object heap, and decommits what is then free.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        NativeHeap.Trim();
    }
}
