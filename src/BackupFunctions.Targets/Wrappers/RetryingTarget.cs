using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace BackupFunctions.Targets;

/// <summary>
/// Retries transient failures of the inner target with exponential backoff and full jitter. Permanent
/// failures (missing object, bad configuration) pass through at once.
/// <list type="bullet">
/// <item>Put: retried only when the source stream is seekable (it is rewound to where it started). A
/// transient failure with a non-seekable stream becomes a permanent <see cref="TargetException"/> that
/// says so: pass a <see cref="FileStream"/> (the staging file) to get retries. Parts of a multipart
/// upload are retried inside the backends regardless, since a part is in memory.</item>
/// <item>Put that finds its key taken (<see cref="TargetObjectExistsException"/>): with a seekable stream the
/// stored object is compared with the content (size, then SHA-256). The same bytes mean an earlier attempt
/// already stored them (its answer was lost on the wire), which is success; different bytes stay a
/// permanent conflict, and the stored object is never touched.</item>
/// <item>OpenRead: the returned stream survives mid-body failures by reopening the object with a Range
/// from the current offset, so a broken download resumes instead of starting over.</item>
/// <item>List: a failed page restarts the listing and skips keys already returned.</item>
/// </list>
/// </summary>
public sealed class RetryingTarget : IBackupTarget
{
    private readonly IBackupTarget _inner;
    private readonly RetryOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public RetryingTarget(IBackupTarget inner, RetryOptions? options = null, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _options = options ?? new RetryOptions();
        if (_options.Problems().FirstOrDefault() is { } problem) throw new ArgumentException(problem, nameof(options));
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    public string Name => _inner.Name;

    /// <summary>The wrapped target.</summary>
    public IBackupTarget Inner => _inner;

    public async Task<TargetObjectInfo> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken ct = default)
    {
        TargetKey.Validate(key);
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanSeek)
        {
            try
            {
                return await _inner.PutAsync(key, content, options, ct);
            }
            catch (TargetException ex) when (ex.IsTransient && _options.MaxAttempts > 1)
            {
                throw new TargetException(Name,
                    $"Upload of '{key}' to target '{Name}' failed with a transient error and cannot be retried, because the source stream " +
                    $"is not seekable and its bytes are already consumed. Pass a seekable stream (e.g. a FileStream of the staging file) " +
                    $"to get retries, or retry the whole step. Cause: {ex.Message}", isTransient: false, ex);
            }
        }

        var start = content.Position;
        var attempt = 0;
        try
        {
            return await Pipeline("Upload", key).ExecuteAsync(async t =>
            {
                if (attempt++ > 0) content.Position = start;
                return await _inner.PutAsync(key, content, options, t);
            }, ct);
        }
        catch (TargetObjectExistsException taken)
        {
            var stored = await ExistingObjectCheck.RequireIdenticalAsync(this, key, content, start, taken, ct);
            TargetLog.AlreadyStored(_logger, Name, key, stored.Size);
            return stored;
        }
    }

    public async Task<Stream> OpenReadAsync(string key, ByteRange? range = null, CancellationToken ct = default)
    {
        TargetKey.Validate(key);
        // The size bounds the read, so a connection that closes early is noticed and resumed rather
        // than taken for the end of the object.
        var info = await StatAsync(key, ct) ?? throw new TargetNotFoundException(Name, key);
        var start = Math.Min(range?.Offset ?? 0, info.Size);
        var end = range?.Length is { } l ? Math.Min(start + l, info.Size) : info.Size;
        if (start >= end) return new MemoryStream([], writable: false);
        var first = await Pipeline("Read", key).ExecuteAsync(
            async t => await _inner.OpenReadAsync(key, new ByteRange(start, end - start), t), ct);
        return new ResumingReadStream(_inner, key, start, end, first, Pipeline("Read", key), _logger);
    }

    public async Task<TargetObjectInfo?> StatAsync(string key, CancellationToken ct = default) =>
        await Pipeline("Stat", key).ExecuteAsync(async t => await _inner.StatAsync(key, t), ct);

    public async IAsyncEnumerable<TargetObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        string? last = null;
        var failures = 0;
        while (true)
        {
            var items = _inner.ListAsync(prefix, ct).GetAsyncEnumerator(ct);
            TargetException? failure = null;
            try
            {
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await items.MoveNextAsync();
                    }
                    catch (TargetException ex) when (ex.IsTransient && failures + 1 < _options.MaxAttempts)
                    {
                        failure = ex;
                        break;
                    }
                    if (!more) yield break;
                    var item = items.Current;
                    // Keys come in ordinal order, so after a restart everything up to the last one returned is a repeat.
                    if (last is not null && string.CompareOrdinal(item.Key, last) <= 0) continue;
                    last = item.Key;
                    failures = 0;
                    yield return item;
                }
            }
            finally
            {
                await items.DisposeAsync();
            }
            failures++;
            var delay = TransientRetry.FullJitter(_options, failures - 1);
            TargetLog.Retrying(_logger, Name, "List", prefix, failure?.Message ?? "", failures, delay);
            await Task.Delay(delay, _time, ct);
        }
    }

    public async Task DeleteAsync(string key, CancellationToken ct = default) =>
        await Pipeline("Delete", key).ExecuteAsync(async t => await _inner.DeleteAsync(key, t), ct);

    public override string ToString() => $"{_inner} with retries (max {_options.MaxAttempts})";

    private ResiliencePipeline Pipeline(string operation, string key) =>
        TransientRetry.Create(_options,
            onRetry: (ex, attempt, delay) => TargetLog.Retrying(_logger, Name, operation, key, ex.Message, attempt, delay),
            timeProvider: _time);
}
