using BackupFunctions.Host.Hosting;
using BackupFunctions.Host.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BackupFunctions.Host.Tests.Memory;

public sealed class IdleMemoryReleaseTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task It_releases_once_the_work_it_saw_has_ended_and_not_while_work_runs()
    {
        var running = 1;
        // A count no real host in this test process reaches: releases are once per count process-wide.
        var started = long.MaxValue / 2 + Random.Shared.Next();
        var releases = 0;
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var looks = 0;
        var lookedWhileRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var service = new IdleMemoryRelease(Options(TimeSpan.FromMilliseconds(10)), NullLogger<IdleMemoryRelease>.Instance)
        {
            Meter = () =>
            {
                var m = new WorkMeter(started, Volatile.Read(ref running));
                if (m.Running > 0 && Interlocked.Increment(ref looks) >= 3) lookedWhileRunning.TrySetResult();
                return m;
            },
            Release = () =>
            {
                Interlocked.Increment(ref releases);
                released.TrySetResult();
            },
        };

        await service.StartAsync(CancellationToken.None);
        try
        {
            await lookedWhileRunning.Task.WaitAsync(Patience);
            Assert.Equal(0, Volatile.Read(ref releases));

            Volatile.Write(ref running, 0);
            await released.Task.WaitAsync(Patience);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }

        Assert.Equal(1, Volatile.Read(ref releases));
    }

    [Fact]
    public async Task Two_hosts_in_one_process_release_once_per_quiet_spell()
    {
        var started = long.MaxValue / 2 + Random.Shared.Next();
        var releases = 0;
        var looks = new int[2];
        var bothLookedOften = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IdleMemoryRelease Host(int i) => new(Options(TimeSpan.FromMilliseconds(10)), NullLogger<IdleMemoryRelease>.Instance)
        {
            Meter = () =>
            {
                // Ten looks each: far more than the two a release needs, so each had its chance.
                if (Interlocked.Increment(ref looks[i]) >= 10 && Volatile.Read(ref looks[1 - i]) >= 10) bothLookedOften.TrySetResult();
                return new WorkMeter(started, 0);
            },
            Release = () => Interlocked.Increment(ref releases),
        };

        var hosts = new[] { Host(0), Host(1) };
        foreach (var host in hosts) await host.StartAsync(CancellationToken.None);
        try
        {
            await bothLookedOften.Task.WaitAsync(Patience);
        }
        finally
        {
            foreach (var host in hosts) await host.StopAsync(CancellationToken.None);
        }

        Assert.Equal(1, Volatile.Read(ref releases));
    }

    [Fact]
    public async Task Switched_off_it_never_looks()
    {
        var looked = false;
        var options = Options(TimeSpan.FromMilliseconds(10));
        options.Value.ReleaseMemoryWhenIdle = false;
        var service = new IdleMemoryRelease(options, NullLogger<IdleMemoryRelease>.Instance)
        {
            Meter = () =>
            {
                looked = true;
                return new WorkMeter(1, 0);
            },
        };

        await service.StartAsync(CancellationToken.None);
        await service.ExecuteTask!.WaitAsync(Patience);
        await service.StopAsync(CancellationToken.None);
        Assert.False(looked);
    }

    [Fact]
    public void The_real_release_runs_here_and_the_native_heap_can_be_trimmed_on_linux()
    {
        // The default Release: a full aggressive collection, then malloc_trim. It must not throw on this platform.
        var service = new IdleMemoryRelease(Options(TimeSpan.FromSeconds(5)), NullLogger<IdleMemoryRelease>.Instance);
        var collections = GC.CollectionCount(GC.MaxGeneration);
        service.Release();
        Assert.True(GC.CollectionCount(GC.MaxGeneration) > collections);
        Assert.Equal(OperatingSystem.IsLinux(), NativeHeap.Trim());
    }

    private static IOptions<BackupHostOptions> Options(TimeSpan interval) =>
        Microsoft.Extensions.Options.Options.Create(new BackupHostOptions { IdleMemoryCheckInterval = interval });
}
