namespace BackupFunctions.Host.Reads;

/// <summary>
/// Single-flight for reads that must be fresh: callers that ask for the same key while a read of it is running share
/// ONE next read, started as soon as the running one ends. So N concurrent pollers of one instance (or of one catalog
/// page) cost at most one backend read in flight per key plus one queued, whatever N is; and every caller's answer
/// comes from a read that <em>started after the caller asked</em>, never from one that began before it (no cache, and
/// no staleness beyond what a read of its own would have: a caller who has just sent a terminate and then asks for
/// the status sees a read taken after its request, as it would without the coalescing).
/// A failed read fails only its own waiters; the next caller starts a new read (errors are not remembered). The shared
/// read does not run under any caller's cancellation token: a caller that gives up stops waiting, and the others
/// still get their answer. Keys must compare by value (records, tuples, strings).
/// </summary>
internal sealed class FreshReadCoalescer<TKey, TValue>
    where TKey : notnull
{
    private readonly object _gate = new();
    private readonly Dictionary<TKey, Slot> _slots = [];
    private readonly CancellationToken _stopping;

    /// <param name="stopping">Cancels the shared reads (the host's stopping token); never a caller's own.</param>
    public FreshReadCoalescer(CancellationToken stopping = default) => _stopping = stopping;

    /// <summary>Keys with a read running now (for tests and diagnostics).</summary>
    public int KeysInFlight
    {
        get
        {
            lock (_gate)
            {
                return _slots.Count;
            }
        }
    }

    /// <summary>
    /// The value of <paramref name="read"/> for <paramref name="key"/>, from a read that starts after this call:
    /// a new one if none runs for the key, else the one queued behind the running read (shared with every caller
    /// that arrived while that read ran). <paramref name="ct"/> ends only this caller's wait.
    /// </summary>
    public Task<TValue> ReadAsync(TKey key, Func<TKey, CancellationToken, Task<TValue>> read, CancellationToken ct = default)
    {
        Flight flight;
        Slot? slot;
        var startNow = false;
        lock (_gate)
        {
            if (!_slots.TryGetValue(key, out slot))
            {
                slot = new Slot(key);
                _slots.Add(key, slot);
            }

            if (slot.Running is null)
            {
                flight = slot.Running = new Flight(read);
                startNow = true;
            }
            else
            {
                // The running read may have begun before this caller asked: wait for the next one instead.
                flight = slot.Queued ??= new Flight(read);
            }
        }

        if (startNow)
        {
            _ = RunAsync(slot, flight);
        }

        return flight.Result.Task.WaitAsync(ct);
    }

    private async Task RunAsync(Slot slot, Flight flight)
    {
        while (true)
        {
            Exception? error = null;
            var value = default(TValue);
            try
            {
                value = await flight.Read(slot.Key, _stopping).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                error = e;
            }

            // Promote the queued read (its callers all asked while this one ran) before answering this one's callers,
            // so that a caller answered here who asks again at once queues behind a read that is already new.
            Flight? next;
            lock (_gate)
            {
                next = slot.Queued;
                slot.Queued = null;
                slot.Running = next;
                if (next is null)
                {
                    _slots.Remove(slot.Key);
                }
            }

            switch (error)
            {
                case null:
                    flight.Result.TrySetResult(value!);
                    break;
                case OperationCanceledException oce:
                    flight.Result.TrySetCanceled(oce.CancellationToken);
                    break;
                default:
                    flight.Result.TrySetException(error);
                    break;
            }

            if (next is null)
            {
                return;
            }

            flight = next;
        }
    }

    private sealed class Slot(TKey key)
    {
        public TKey Key { get; } = key;

        public Flight? Running { get; set; }

        public Flight? Queued { get; set; }
    }

    /// <summary>One backend read and everyone waiting for it; continuations run off the completing thread.</summary>
    private sealed class Flight(Func<TKey, CancellationToken, Task<TValue>> read)
    {
        public Func<TKey, CancellationToken, Task<TValue>> Read { get; } = read;

        public TaskCompletionSource<TValue> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
