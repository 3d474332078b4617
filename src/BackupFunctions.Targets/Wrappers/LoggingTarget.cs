using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace BackupFunctions.Targets;

/// <summary>Logs each operation's outcome and duration; the hook for observing a target.</summary>
public sealed class LoggingTarget(IBackupTarget inner, ILogger logger) : IBackupTarget
{
    public string Name => inner.Name;

    public async Task<TargetObjectInfo> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken ct = default)
    {
        TargetLog.Started(logger, Name, "Put", key);
        var clock = Stopwatch.StartNew();
        try
        {
            var info = await inner.PutAsync(key, content, options, ct);
            TargetLog.Stored(logger, Name, key, info.Size, clock.ElapsedMilliseconds);
            return info;
        }
        catch (TargetException ex)
        {
            TargetLog.Failed(logger, Name, "Put", key, clock.ElapsedMilliseconds, ex.IsTransient, ex.Message);
            throw;
        }
    }

    public Task<Stream> OpenReadAsync(string key, ByteRange? range = null, CancellationToken ct = default) =>
        Observe("OpenRead", key, () => inner.OpenReadAsync(key, range, ct));

    public Task<TargetObjectInfo?> StatAsync(string key, CancellationToken ct = default) =>
        Observe("Stat", key, () => inner.StatAsync(key, ct));

    public IAsyncEnumerable<TargetObjectInfo> ListAsync(string prefix, CancellationToken ct = default) => List(prefix, ct);

    public Task DeleteAsync(string key, CancellationToken ct = default) =>
        Observe("Delete", key, async () => { await inner.DeleteAsync(key, ct); return true; });

    public override string ToString() => inner.ToString() ?? Name;

    private async IAsyncEnumerable<TargetObjectInfo> List(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        TargetLog.Started(logger, Name, "List", prefix);
        var clock = Stopwatch.StartNew();
        await foreach (var item in inner.ListAsync(prefix, ct).WithCancellation(ct)) yield return item;
        TargetLog.Finished(logger, Name, "List", prefix, clock.ElapsedMilliseconds);
    }

    private async Task<T> Observe<T>(string operation, string key, Func<Task<T>> action)
    {
        TargetLog.Started(logger, Name, operation, key);
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await action();
            TargetLog.Finished(logger, Name, operation, key, clock.ElapsedMilliseconds);
            return result;
        }
        catch (TargetException ex) when (ex is not TargetNotFoundException)
        {
            TargetLog.Failed(logger, Name, operation, key, clock.ElapsedMilliseconds, ex.IsTransient, ex.Message);
            throw;
        }
    }
}
