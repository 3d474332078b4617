namespace BackupFunctions.Cli;

/// <summary>
/// Reports on the caller's thread. Progress&lt;T&gt; posts to the thread pool, so its lines could
/// arrive after the command has printed its result.
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    private readonly Lock _gate = new();

    public void Report(T value)
    {
        lock (_gate)
        {
            handler(value);
        }
    }
}
