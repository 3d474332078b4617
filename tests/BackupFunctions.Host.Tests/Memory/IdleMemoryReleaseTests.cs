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
        var releases = 0;
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var looks = 0;
        var lookedWhileRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var service = new IdleMemoryRelease(Options(TimeSpan.FromMilliseconds(10)), NullLogger<IdleMemoryRelease>.Instance)
        {
            Meter = () =>
            {
                var m = new WorkMeter(Started: 1, Running: Volatile.Read(ref running));
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
