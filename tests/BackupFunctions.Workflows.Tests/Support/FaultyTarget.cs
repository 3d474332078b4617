using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using BackupFunctions.Targets;

namespace BackupFunctions.Workflows.Tests.Support;

/// <summary>
/// A real target with injected faults, for the orchestration-branch tests: puts fail (transiently or not) for the keys
/// <see cref="FailPut"/> selects, reads and listings fail or hang while switched on. It sits outside the target's own
/// retry wrapper, so each activity attempt is exactly one call here, and every call is counted.
/// </summary>
public sealed class FaultyTarget(IBackupTarget inner) : IBackupTarget
{
    private int _puts;
    private int _readsCancelled;

    public string Name => inner.Name;

    /// <summary>Decides per put (key, 1-based number of the put) whether it fails, and with what; null lets it through.</summary>
    public Func<string, int, Exception?>? FailPut { get; set; }

    /// <summary>Decides per read (OpenReadAsync of a key) whether it fails, and with what; null lets it through.</summary>
    public Func<string, Exception?>? FailRead { get; set; }

    /// <summary>Reads wait until their cancellation token fires (a hung download) while true.</summary>
    public bool HangReads { get; set; }

    /// <summary>Each read waits this long before it is served (a slow network), while counted in <see cref="ReadsInFlight"/>.</summary>
    public TimeSpan ReadDelay { get; set; }

    /// <summary>Counts the reads being served at once, across every target that shares it.</summary>
    public InFlightCounter? ReadsInFlight { get; set; }

    /// <summary>Listings fail with this exception while set.</summary>
    public Exception? FailLists { get; set; }

    /// <summary>Every put's key, in call order (failed ones included).</summary>
    public ConcurrentQueue<string> Puts { get; } = new();

    /// <summary>Every read's key (OpenReadAsync), in call order (failed ones included).</summary>
    public ConcurrentQueue<string> Reads { get; } = new();

    /// <summary>Hung reads that ended because their cancellation token fired: proof the deadline reached the work.</summary>
    public int ReadsCancelled => Volatile.Read(ref _readsCancelled);

    public TargetException Transient(string what = "put") => new(Name, $"injected transient failure of the {what} on '{Name}': connection reset", isTransient: true);

    public TargetException Permanent(string what = "put") => new(Name, $"injected permanent failure of the {what} on '{Name}': access denied", isTransient: false);

    public async Task<TargetObjectInfo> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken ct = default)
    {
        Puts.Enqueue(key);
        if (FailPut?.Invoke(key, Interlocked.Increment(ref _puts)) is { } failure)
        {
            throw failure;
        }

        return await inner.PutAsync(key, content, options, ct).ConfigureAwait(false);
    }

    public async Task<Stream> OpenReadAsync(string key, ByteRange? range = null, CancellationToken ct = default)
    {
        Reads.Enqueue(key);
        if (FailRead?.Invoke(key) is { } failure)
        {
            throw failure;
        }

        if (HangReads)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Interlocked.Increment(ref _readsCancelled);
                throw;
            }
        }

        using (ReadsInFlight?.Enter())
        {
            if (ReadDelay > TimeSpan.Zero) await Task.Delay(ReadDelay, ct).ConfigureAwait(false);
            return await inner.OpenReadAsync(key, range, ct).ConfigureAwait(false);
        }
    }

    public Task<TargetObjectInfo?> StatAsync(string key, CancellationToken ct = default) => inner.StatAsync(key, ct);

    public async IAsyncEnumerable<TargetObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        if (FailLists is { } failure)
        {
            throw failure;
        }

        await foreach (var item in inner.ListAsync(prefix, ct).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    public Task DeleteAsync(string key, CancellationToken ct = default) => inner.DeleteAsync(key, ct);
}
