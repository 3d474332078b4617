using System.Runtime.ExceptionServices;

namespace BackupFunctions.Pipeline.Streams;

/// <summary>
/// Remembers the first real failure among concurrent stages and cancels the others. A cancellation
/// is replaced by a later real failure (it is usually a consequence of it), never the reverse.
/// </summary>
internal sealed class FirstFailure(CancellationTokenSource cts)
{
    private readonly object _gate = new();
    private Exception? _first;

    public Exception? Exception { get { lock (_gate) return _first; } }

    public void Set(Exception e)
    {
        lock (_gate)
        {
            if (_first is null || (_first is OperationCanceledException && e is not OperationCanceledException)) _first = e;
        }
        try { cts.Cancel(); } catch (ObjectDisposedException) { }
    }

    public void ThrowIfAny()
    {
        if (Exception is { } e) ExceptionDispatchInfo.Capture(e).Throw();
    }
}
