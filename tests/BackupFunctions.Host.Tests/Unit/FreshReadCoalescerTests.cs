using BackupFunctions.Host.Reads;

namespace BackupFunctions.Host.Tests.Unit;

/// <summary>
/// The single-flight of status and catalog reads, against a fake backend whose reads finish only when the test says:
/// no timing, every interleaving is forced.
/// </summary>
public sealed class FreshReadCoalescerTests
{
    /// <summary>A backend whose every read blocks until released, and which counts and numbers its reads.</summary>
    private sealed class GatedBackend
    {
        private readonly List<TaskCompletionSource<int>> _gates = [];

        public int Started { get; private set; }

        public CancellationToken LastToken { get; private set; }

        public Task<int> ReadAsync(string key, CancellationToken ct)
        {
            lock (_gates)
            {
                Started++;
                LastToken = ct;
                var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                _gates.Add(gate);
                return gate.Task;
            }
        }

        /// <summary>Finishes read number <paramref name="n"/> (1-based) with the value n, so a caller's answer says which read served it.</summary>
        public void Release(int n) => Gate(n).SetResult(n);

        public void Fail(int n, Exception e) => Gate(n).SetException(e);

        private TaskCompletionSource<int> Gate(int n)
        {
            lock (_gates)
            {
                return _gates[n - 1];
            }
        }
    }

    [Fact]
    public async Task Callers_that_arrive_while_a_read_runs_share_one_next_read()
    {
        var backend = new GatedBackend();
        var reads = new FreshReadCoalescer<string, int>();

        var first = reads.ReadAsync("i1", backend.ReadAsync);
        var waiters = Enumerable.Range(0, 50).Select(_ => reads.ReadAsync("i1", backend.ReadAsync)).ToArray();
        Assert.Equal(1, backend.Started);

        backend.Release(1);
        Assert.Equal(1, await first);
        await Until(() => backend.Started == 2);
        backend.Release(2);

        // All fifty asked while read 1 ran, so none may be answered by it (it may have begun before they asked); one
        // read, started after all of them, answers them all.
        Assert.All(await Task.WhenAll(waiters), v => Assert.Equal(2, v));
        Assert.Equal(2, backend.Started);
        Assert.Equal(0, reads.KeysInFlight);
    }

    [Fact]
    public async Task A_call_after_the_read_ended_makes_a_new_read()
    {
        var backend = new GatedBackend();
        var reads = new FreshReadCoalescer<string, int>();

        var first = reads.ReadAsync("i1", backend.ReadAsync);
        backend.Release(1);
        Assert.Equal(1, await first);

        var second = reads.ReadAsync("i1", backend.ReadAsync);
        Assert.Equal(2, backend.Started);
        backend.Release(2);
        Assert.Equal(2, await second);
    }

    [Fact]
    public async Task Different_keys_do_not_share_a_read()
    {
        var backend = new GatedBackend();
        var reads = new FreshReadCoalescer<string, int>();

        var a = reads.ReadAsync("i1", backend.ReadAsync);
        var b = reads.ReadAsync("i2", backend.ReadAsync);
        Assert.Equal(2, backend.Started);
        Assert.Equal(2, reads.KeysInFlight);
        backend.Release(2);
        backend.Release(1);
        Assert.Equal(1, await a);
        Assert.Equal(2, await b);
    }

    [Fact]
    public async Task An_error_reaches_its_own_waiters_and_is_not_kept()
    {
        var backend = new GatedBackend();
        var reads = new FreshReadCoalescer<string, int>();

        var first = reads.ReadAsync("i1", backend.ReadAsync);
        var queued = reads.ReadAsync("i1", backend.ReadAsync);
        backend.Fail(1, new InvalidOperationException("table read failed"));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        Assert.Equal("table read failed", error.Message);

        // The queued callers asked before the failure was known; they get a read of their own, which succeeds.
        await Until(() => backend.Started == 2);
        backend.Release(2);
        Assert.Equal(2, await queued);

        // And a caller after that is not answered with the old failure either.
        var later = reads.ReadAsync("i1", backend.ReadAsync);
        Assert.Equal(3, backend.Started);
        backend.Release(3);
        Assert.Equal(3, await later);
    }

    [Fact]
    public async Task A_caller_that_gives_up_does_not_cancel_the_read_for_the_others()
    {
        var backend = new GatedBackend();
        var reads = new FreshReadCoalescer<string, int>();
        using var impatient = new CancellationTokenSource();

        var first = reads.ReadAsync("i1", backend.ReadAsync, impatient.Token);
        var patient = reads.ReadAsync("i1", backend.ReadAsync);
        var alsoImpatient = reads.ReadAsync("i1", backend.ReadAsync, impatient.Token);
        impatient.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => alsoImpatient);
        Assert.False(backend.LastToken.IsCancellationRequested);

        backend.Release(1);
        await Until(() => backend.Started == 2);
        Assert.False(backend.LastToken.IsCancellationRequested);
        backend.Release(2);
        Assert.Equal(2, await patient);
    }

    [Fact]
    public async Task The_shared_read_is_cancelled_by_the_stopping_token_only()
    {
        using var stopping = new CancellationTokenSource();
        var seen = new TaskCompletionSource<CancellationToken>();
        var reads = new FreshReadCoalescer<string, int>(stopping.Token);

        var read = reads.ReadAsync("i1", async (_, ct) =>
        {
            seen.SetResult(ct);
            await Task.Delay(Timeout.Infinite, ct);
            return 0;
        });
        var token = await seen.Task;
        Assert.False(token.IsCancellationRequested);
        stopping.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        Assert.Equal(0, reads.KeysInFlight);
    }

    [Fact]
    public async Task A_read_that_throws_before_it_awaits_fails_its_caller_and_frees_the_key()
    {
        var reads = new FreshReadCoalescer<string, int>();

        await Assert.ThrowsAsync<ArgumentException>(() => reads.ReadAsync("i1", (_, _) => throw new ArgumentException("bad id")));
        Assert.Equal(0, reads.KeysInFlight);
        Assert.Equal(7, await reads.ReadAsync("i1", (_, _) => Task.FromResult(7)));
    }

    /// <summary>Waits (bounded: 10 s) for a state the coalescer reaches on another thread.</summary>
    private static async Task Until(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
