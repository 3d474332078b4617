using Microsoft.Extensions.Logging;
using Polly;

namespace BackupFunctions.Targets;

/// <summary>
/// A read stream over the bytes [start, end) of an object that, when the connection fails mid-body or
/// closes early, reopens the object with a Range from the current offset and carries on, so callers
/// see one unbroken stream. Each failure is retried by the same backoff pipeline as other operations;
/// progress resets nothing, so a long download that breaks now and then still completes.
/// </summary>
internal sealed class ResumingReadStream : Stream
{
    private readonly IBackupTarget _target;
    private readonly string _key;
    private readonly long _start;
    private readonly long _end;
    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger _logger;
    private Stream? _current;
    private long _position;

    public ResumingReadStream(IBackupTarget target, string key, long start, long end, Stream first, ResiliencePipeline pipeline, ILogger logger)
    {
        _target = target;
        _key = key;
        _start = start;
        _end = end;
        _position = start;
        _current = first;
        _pipeline = pipeline;
        _logger = logger;
    }

    /// <summary>How many times the read was resumed after a failure.</summary>
    public int Resumes { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _end - _start;
    public override long Position { get => _position - _start; set => throw new NotSupportedException(); }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0 || _position >= _end) return 0;
        var want = (int)Math.Min(buffer.Length, _end - _position);
        return await _pipeline.ExecuteAsync(async ct =>
        {
            if (_current is null)
            {
                Resumes++;
                _current = await _target.OpenReadAsync(_key, new ByteRange(_position, _end - _position), ct);
            }
            int n;
            try
            {
                n = await _current.ReadAsync(buffer[..want], ct);
            }
            catch (Exception ex) when (Transient(ex) is { } transient)
            {
                await DropCurrentAsync(transient);
                throw transient;
            }
            if (n == 0)
            {
                var early = new TargetException(_target.Name,
                    $"Reading '{_key}' from target '{_target.Name}' ended at byte {_position} of {_end}: the connection closed early.", isTransient: true);
                await DropCurrentAsync(early);
                throw early;
            }
            _position += n;
            return n;
        }, cancellationToken);
    }

    // The Stream contract requires a synchronous Read; the async path is the real one, so block on it
    // (there is no synchronization context in the hosts and CLI that use this).
    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _current?.Dispose();
        _current = null;
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_current is not null) await _current.DisposeAsync();
        _current = null;
        await base.DisposeAsync();
    }

    private TargetException? Transient(Exception ex) => ex switch
    {
        TargetException { IsTransient: true } t => t,
        TargetException => null,
        // Backends classify body errors themselves; a bare network error here is from a stream that did not.
        IOException => new TargetException(_target.Name, $"Reading '{_key}' from target '{_target.Name}' failed: {ex.Message}", isTransient: true, ex),
        _ => null,
    };

    private async Task DropCurrentAsync(Exception why)
    {
        TargetLog.ResumingRead(_logger, _target.Name, _key, _position, why.Message);
        var current = _current;
        _current = null;
        try
        {
            if (current is not null) await current.DisposeAsync();
        }
        catch (Exception)
        {
            // The connection is already broken; closing it may fail too.
        }
    }
}
