namespace BackupFunctions.Durable.Worker;

/// <summary>An auto-reset wake-up: Set before a wait is not lost, many Sets coalesce into one.</summary>
internal sealed class WorkSignal
{
    private readonly SemaphoreSlim _gate = new(0, 1);

    public void Set()
    {
        try
        {
            _gate.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already set.
        }
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await _gate.WaitAsync(timeout, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
