using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace BackupFunctions.Targets.Tests.Support;

/// <summary>An in-memory target with scripted failures, for testing wrappers without a server.</summary>
public sealed class FakeTarget(string name = "fake") : IBackupTarget
{
    public ConcurrentDictionary<string, byte[]> Objects { get; } = new();

    /// <summary>Every call, e.g. "Put:k", "Open:k:bytes=100-".</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>Exceptions thrown by the next calls (any operation), one per call, before it does anything.</summary>
    public ConcurrentQueue<Exception> Failures { get; } = new();

    /// <summary>For the next puts: consume this many bytes of the source, then fail transiently.</summary>
    public ConcurrentQueue<int> PutBreaks { get; } = new();

    /// <summary>How many of the next puts store their object and then fail transiently, as when the answer is lost on the wire.</summary>
    public int LostAnswers { get; set; }

    /// <summary>For the next opened read streams: deliver this many bytes, then break.</summary>
    public ConcurrentQueue<int> ReadBreaks { get; } = new();

    /// <summary>Whether a read break closes the stream early (returns 0) instead of throwing.</summary>
    public bool BreakByClosingEarly { get; set; }

    /// <summary>For listing: fail transiently after this many items (once).</summary>
    public int? ListBreakAfter { get; set; }

    public string Name => name;

    public int CallCount(string prefix) => Calls.Count(c => c.StartsWith(prefix, StringComparison.Ordinal));

    public static TargetException Transient(string what = "HTTP 503 SlowDown") => new("fake", what, isTransient: true);

    public async Task<TargetObjectInfo> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken ct = default)
    {
        Calls.Enqueue("Put:" + key);
        ThrowScripted();
        // Like every backend: a put never replaces a stored object.
        if (Objects.ContainsKey(key)) throw new TargetObjectExistsException(name, key);
        using var copy = new MemoryStream();
        if (PutBreaks.TryDequeue(out var after))
        {
            var buffer = new byte[after];
            await content.ReadExactlyAsync(buffer, ct);
            throw new TargetException(name, "request body too small (IncompleteBody)", isTransient: true);
        }
        await content.CopyToAsync(copy, ct);
        Objects[key] = copy.ToArray();
        if (LostAnswers > 0)
        {
            LostAnswers--;
            throw Transient("connection reset after the object was stored");
        }
        return new TargetObjectInfo(key, copy.Length);
    }

    public Task<Stream> OpenReadAsync(string key, ByteRange? range = null, CancellationToken ct = default)
    {
        Calls.Enqueue($"Open:{key}:{range?.ToHttpHeaderValue() ?? "all"}");
        ThrowScripted();
        if (!Objects.TryGetValue(key, out var data)) throw new TargetNotFoundException(name, key);
        var start = (int)(range?.Offset ?? 0);
        var end = range?.Length is { } l ? (int)Math.Min(data.Length, start + l) : data.Length;
        var slice = data[start..end];
        Stream stream = ReadBreaks.TryDequeue(out var breakAfter)
            ? new BreakingStream(slice, breakAfter, BreakByClosingEarly)
            : new MemoryStream(slice, writable: false);
        return Task.FromResult(stream);
    }

    public Task<TargetObjectInfo?> StatAsync(string key, CancellationToken ct = default)
    {
        Calls.Enqueue("Stat:" + key);
        ThrowScripted();
        return Task.FromResult(Objects.TryGetValue(key, out var d) ? new TargetObjectInfo(key, d.Length) : null);
    }

    public async IAsyncEnumerable<TargetObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        Calls.Enqueue("List:" + prefix);
        ThrowScripted();
        var n = 0;
        foreach (var (key, data) in Objects.Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            if (ListBreakAfter == n)
            {
                ListBreakAfter = null;
                throw Transient("connection reset while listing");
            }
            n++;
            await Task.Yield();
            yield return new TargetObjectInfo(key, data.Length);
        }
    }

    public Task DeleteAsync(string key, CancellationToken ct = default)
    {
        Calls.Enqueue("Delete:" + key);
        ThrowScripted();
        Objects.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    private void ThrowScripted()
    {
        if (Failures.TryDequeue(out var ex)) throw ex;
    }

    /// <summary>Delivers <c>breakAfter</c> bytes, then throws a transient error or ends early.</summary>
    private sealed class BreakingStream(byte[] data, int breakAfter, bool closeEarly) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var left = breakAfter - _position;
            if (left <= 0)
            {
                if (closeEarly) return 0;
                throw new TargetException("fake", "connection reset by peer (mid-body)", isTransient: true);
            }
            var n = Math.Min(Math.Min(buffer.Length, left), data.Length - _position);
            data.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
