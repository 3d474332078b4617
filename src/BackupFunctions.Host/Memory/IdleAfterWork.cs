namespace BackupFunctions.Host.Memory;

/// <summary>
/// Decides, from what a work meter shows at each look, when the host has gone idle after heavy work: some work
/// started since the last release, none is running now, and nothing started or ran since the previous look either
/// (one whole interval quiet, so the gap between a backup's dump and its next step does not count as idle).
/// Not thread-safe: one caller looks at a time.
/// </summary>
internal sealed class IdleAfterWork
{
    private long _releasedAt;
    private long? _quietAt;

    /// <param name="started">How many pieces of work were ever started in this process (only grows).</param>
    /// <param name="running">How many run now.</param>
    /// <returns>True once per quiet spell after work: the moment to give memory back.</returns>
    public bool Observe(long started, int running)
    {
        if (running > 0 || started == _releasedAt)
        {
            _quietAt = null;
            return false;
        }

        if (_quietAt != started)
        {
            _quietAt = started;
            return false;
        }

        _releasedAt = started;
        _quietAt = null;
        return true;
    }
}
