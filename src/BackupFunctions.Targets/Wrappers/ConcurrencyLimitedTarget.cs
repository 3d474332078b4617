using System.Runtime.CompilerServices;

namespace BackupFunctions.Targets;

/// <summary>
/// Bounds how many operations run against the inner target at once (restic's semaphore backend).
/// A read holds its slot until the returned stream is disposed, because the open connection is the
/// resource being limited; do not call the same limited target from inside an open read when the
/// limit is 1. Wrap this one inside <see cref="RetryingTarget"/> so backoff delays do not hold slots.
/// </summary>
public sealed class ConcurrencyLimitedTarget : IBackupTarget
{
    private readonly IBackupTarget _inner;
    private readonly SemaphoreSlim _slots;

    public ConcurrencyLimitedTarget(IBackupTarget inner, int maxConcurrency)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        MaxConcurrency = maxConcurrency;
        _slots = new SemaphoreSlim(maxConcurrency, maxConcurrency);
    }

    public string Name => _inner.Name;

    public int MaxConcurrency { get; }

    /// <summary>Slots free right now.</summary>
    public int Available => _slots.CurrentCount;

    public async Task<TargetObjectInfo> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken ct = default)
    {
        await _slots.WaitAsync(ct);
        try { return await _inner.PutAsync(key, content, options, ct); }
        finally { _slots.Release(); }
    }

    public async Task<Stream> OpenReadAsync(string key, ByteRange? range = null, CancellationToken ct = default)
    {
        await _slots.WaitAsync(ct);
        try
        {
            var stream = await _inner.OpenReadAsync(key, range, ct);
            return new ReleasingStream(stream, _slots);
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    public async Task<TargetObjectInfo?> StatAsync(string key, CancellationToken ct = default)
    {
        await _slots.WaitAsync(ct);
        try { return await _inner.StatAsync(key, ct); }
        finally { _slots.Release(); }
    }

    public async IAsyncEnumerable<TargetObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var items = _inner.ListAsync(prefix, ct).GetAsyncEnumerator(ct);
        try
        {
            while (true)
            {
                // One slot per step, not for the whole listing: the caller may do other work between items.
                await _slots.WaitAsync(ct);
                bool more;
                try { more = await items.MoveNextAsync(); }
                finally { _slots.Release(); }
                if (!more) yield break;
                yield return items.Current;
            }
        }
        finally
        {
            await items.DisposeAsync();
        }
    }

    public async Task DeleteAsync(string key, CancellationToken ct = default)
    {
        await _slots.WaitAsync(ct);
        try { await _inner.DeleteAsync(key, ct); }
        finally { _slots.Release(); }
    }

    public override string ToString() => $"{_inner} limited to {MaxConcurrency}";

    /// <summary>Gives the slot back when the read stream is disposed.</summary>
    private sealed class ReleasingStream(Stream inner, SemaphoreSlim slots) : Stream
    {
        private int _released;

        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            Release();
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            Release();
            await base.DisposeAsync();
        }

        private void Release()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }
}
