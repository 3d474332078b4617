namespace BackupFunctions.Workflows.Tests.Support;

/// <summary>How many calls are inside a section at once, and the most there ever were.</summary>
public sealed class InFlightCounter
{
    private int _now;
    private int _max;

    public int Max => Volatile.Read(ref _max);

    public IDisposable Enter()
    {
        var now = Interlocked.Increment(ref _now);
        for (var max = Volatile.Read(ref _max); now > max; max = Volatile.Read(ref _max))
        {
            if (Interlocked.CompareExchange(ref _max, now, max) == max) break;
        }

        return new Leave(this);
    }

    private sealed class Leave(InFlightCounter counter) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0) Interlocked.Decrement(ref counter._now);
        }
    }
}
