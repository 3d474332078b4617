using BackupFunctions.Targets.Tests.Support;

namespace BackupFunctions.Targets.Tests.Wrappers;

public sealed class ConcurrencyLimitedTargetTests
{
    [Fact]
    public async Task No_more_than_the_limit_run_at_once()
    {
        var gate = new GateTarget();
        var limited = new ConcurrencyLimitedTarget(gate, 2);

        var calls = Enumerable.Range(0, 6).Select(i => limited.StatAsync($"k{i}")).ToList();
        await gate.WaitForRunningAsync(2);
        Assert.Equal(2, gate.Running);
        Assert.Equal(0, limited.Available);
        gate.Release.SetResult();
        await Task.WhenAll(calls);

        Assert.Equal(2, gate.MaxRunning);
        Assert.Equal(2, limited.Available);
    }

    [Fact]
    public async Task A_read_holds_its_slot_until_the_stream_is_disposed()
    {
        var inner = new FakeTarget();
        inner.Objects["k"] = [1, 2, 3];
        var limited = new ConcurrencyLimitedTarget(inner, 3);

        var stream = await limited.OpenReadAsync("k");
        Assert.Equal(2, limited.Available);
        await stream.DisposeAsync();
        await stream.DisposeAsync();

        Assert.Equal(3, limited.Available);
    }

    [Fact]
    public async Task A_failed_call_gives_its_slot_back()
    {
        var inner = new FakeTarget();
        inner.Failures.Enqueue(FakeTarget.Transient());
        var limited = new ConcurrencyLimitedTarget(inner, 1);

        await Assert.ThrowsAsync<TargetException>(() => limited.OpenReadAsync("k"));

        Assert.Equal(1, limited.Available);
    }

    /// <summary>Blocks every Stat until released, counting how many are inside at once.</summary>
    private sealed class GateTarget : IBackupTarget
    {
        private int _running;
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Running => Volatile.Read(ref _running);
        public int MaxRunning { get; private set; }
        public string Name => "gate";

        public async Task WaitForRunningAsync(int n)
        {
            while (Running < n) await Task.Delay(5);
        }

        public async Task<TargetObjectInfo?> StatAsync(string key, CancellationToken ct = default)
        {
            var now = Interlocked.Increment(ref _running);
            lock (this) MaxRunning = Math.Max(MaxRunning, now);
            await Release.Task;
            Interlocked.Decrement(ref _running);
            return null;
        }

        public Task<TargetObjectInfo> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<Stream> OpenReadAsync(string key, ByteRange? range = null, CancellationToken ct = default) => throw new NotSupportedException();
        public IAsyncEnumerable<TargetObjectInfo> ListAsync(string prefix, CancellationToken ct = default) => throw new NotSupportedException();
        public Task DeleteAsync(string key, CancellationToken ct = default) => throw new NotSupportedException();
    }
}
