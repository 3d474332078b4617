using System.Buffers;

namespace BackupFunctions.Targets.Upload;

/// <summary>
/// One budget of part buffers for every upload in the process, instead of one per target: a backup to two cloud
/// targets held up to 2 × (4 + 1) parts of 8 MiB, and the pool kept them all after its busiest moment. A buffer is
/// rented only within the budget (callers wait for one to come back), so the memory of uploads is at most
/// <see cref="Capacity"/> parts, however many targets and backups run at once. Per-target parallelism still applies
/// inside it.
/// </summary>
/// <remarks>
/// Waiting cannot deadlock: an upload holds at most one buffer it is filling from its own source, plus parts being
/// sent, and both finish without any other upload's help.
/// </remarks>
internal sealed class PartBudget
{
    /// <summary>
    /// Four parts: two per cloud target of a backup, one being filled while one is sent (32 MiB at the default 8 MiB
    /// part size); one cloud target alone may have three in flight. The stored stream comes at the speed of
    /// compression (tens of MB/s), which one part in flight per target keeps up with; six parts (48 MiB) left a host
    /// that ran three 10 GB backups at 286 MiB, with no room under the 300 MB aim.
    /// </summary>
    public static PartBudget Shared { get; } = new(capacity: 4);

    private readonly SemaphoreSlim _slots;
    private readonly ArrayPool<byte> _pool;
    private int _inUse;
    private int _maxInUse;

    public PartBudget(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _slots = new SemaphoreSlim(capacity, capacity);
        // A pool of its own, not the shared one: the shared pool also caches a large array per thread, and in the
        // long-lived host those caches crept up by 10 to 20 MiB per backup. It never holds more than the budget.
        _pool = ArrayPool<byte>.Create(maxArrayLength: PartSizing.MaxPartSize, maxArraysPerBucket: capacity);
    }

    public int Capacity { get; }

    /// <summary>Buffers rented and not yet returned.</summary>
    public int InUse => Volatile.Read(ref _inUse);

    /// <summary>The most buffers ever rented at once (tests, and the reason the budget exists).</summary>
    public int MaxInUse => Volatile.Read(ref _maxInUse);

    /// <summary>A buffer of at least <paramref name="size"/> bytes, once the budget has room for it.</summary>
    public async Task<byte[]> RentAsync(int size, CancellationToken ct)
    {
        await _slots.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var buffer = _pool.Rent(size);
            var now = Interlocked.Increment(ref _inUse);
            int max;
            while (now > (max = Volatile.Read(ref _maxInUse)) && Interlocked.CompareExchange(ref _maxInUse, now, max) != max)
            {
            }

            return buffer;
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    public void Return(byte[] buffer)
    {
        _pool.Return(buffer);
        Interlocked.Decrement(ref _inUse);
        _slots.Release();
    }
}
